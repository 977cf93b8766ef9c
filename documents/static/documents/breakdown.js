// The breakdown editor's enhancements. Every form works without this file; it only makes the
// editor easier: (1) a proposal card's passage lights up in the text, (2) the chosen agencies
// show as chips with a search box instead of a multi-select list, (3) a deadline rule shows the
// date it gives, (4) mapping an unknown name keeps the unsaved edits on the other cards.
// A file, not an inline script: the Content-Security-Policy allows scripts from this site only.
(function () {
  'use strict';

  function strings() {
    var el = document.getElementById('dd-editor-strings');
    return el ? el.dataset : {};
  }

  // ---- (1) a card lights its passage
  function light() {
    document.querySelectorAll('[data-proposal]').forEach(function (card) {
      if (card.tagName === 'MARK' || card.dataset.ddLit) return;
      card.dataset.ddLit = '1';
      var marks = document.querySelectorAll('mark.dd-src[data-proposal="' + card.dataset.proposal + '"]');
      ['mouseenter', 'focusin'].forEach(function (e) { card.addEventListener(e, function () { marks.forEach(function (m) { m.classList.add('dd-src--on'); }); }); });
      ['mouseleave', 'focusout'].forEach(function (e) { card.addEventListener(e, function () { marks.forEach(function (m) { m.classList.remove('dd-src--on'); }); }); });
    });
  }

  // ---- (2) chips with a search: the <select multiple> stays (hidden) and is what is posted
  var chipCount = 0;

  function fold(text) {
    return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
  }

  function chips(select) {
    if (select.dataset.ddChips) return;
    select.dataset.ddChips = '1';
    var t = strings();
    var n = ++chipCount;
    var box = document.createElement('div');
    box.className = 'dd-chips';
    var list = document.createElement('ul');
    list.className = 'dd-chips__list';
    var input = document.createElement('input');
    input.type = 'text';
    input.className = 'dd-chips__search';
    input.id = select.id + '-search';
    input.placeholder = t.search || '';
    input.autocomplete = 'off';
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    var options = document.createElement('ul');
    options.className = 'dd-chips__options';
    options.id = 'dd-chips-' + n;
    options.setAttribute('role', 'listbox');
    options.hidden = true;
    input.setAttribute('aria-controls', options.id);
    var label = document.querySelector('label[for="' + select.id + '"]');
    if (label) {
      label.htmlFor = input.id;
      list.setAttribute('aria-label', label.textContent.replace('*', '').trim() + ': ' + (t.chosen || ''));
    }
    box.appendChild(list);
    box.appendChild(input);
    box.appendChild(options);
    select.hidden = true;
    select.setAttribute('aria-hidden', 'true');
    select.tabIndex = -1;
    select.parentNode.insertBefore(box, select.nextSibling);
    var active = -1;

    function changed() {
      select.dispatchEvent(new Event('change', { bubbles: true }));
    }

    function drawChips() {
      list.innerHTML = '';
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.selected) return;
        var chip = document.createElement('li');
        chip.className = 'dd-chip';
        chip.dataset.value = option.value;
        chip.appendChild(document.createTextNode(option.text));
        var remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'dd-chip__remove';
        remove.setAttribute('aria-label', (t.remove || '×') + ' ' + option.text);
        remove.textContent = '×';
        remove.addEventListener('click', function () {
          option.selected = false;
          drawChips();
          changed();
          input.focus();
        });
        chip.appendChild(remove);
        list.appendChild(chip);
      });
    }

    function matches() {
      var q = fold(input.value.trim());
      return Array.prototype.filter.call(select.options, function (option) {
        return !option.selected && option.value && (!q || fold(option.text + ' ' + (option.dataset.search || '')).indexOf(q) !== -1);
      });
    }

    function close() {
      options.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }

    function drawOptions() {
      var found = matches();
      options.innerHTML = '';
      if (!found.length) {
        var none = document.createElement('li');
        none.className = 'dd-chips__none';
        none.textContent = t.none || '';
        options.appendChild(none);
      }
      found.forEach(function (option, i) {
        var item = document.createElement('li');
        item.id = options.id + '-' + i;
        item.setAttribute('role', 'option');
        item.setAttribute('aria-selected', i === active ? 'true' : 'false');
        item.dataset.value = option.value;
        item.textContent = option.text;
        item.addEventListener('mousedown', function (e) { e.preventDefault(); choose(option); });
        options.appendChild(item);
      });
      options.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      if (active >= 0 && found[active]) input.setAttribute('aria-activedescendant', options.id + '-' + active);
      else input.removeAttribute('aria-activedescendant');
      return found;
    }

    function choose(option) {
      option.selected = true;
      input.value = '';
      active = -1;
      drawChips();
      drawOptions();
      changed();
    }

    input.addEventListener('focus', function () { drawOptions(); });
    input.addEventListener('input', function () { active = 0; drawOptions(); });
    input.addEventListener('blur', close);
    input.addEventListener('keydown', function (e) {
      var found = matches();
      if (e.key === 'ArrowDown') { e.preventDefault(); active = Math.min(active + 1, found.length - 1); drawOptions(); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); active = Math.max(active - 1, 0); drawOptions(); }
      else if (e.key === 'Enter') {
        if (!options.hidden && found[active >= 0 ? active : 0] && (input.value || active >= 0)) {
          e.preventDefault();
          choose(found[active >= 0 ? active : 0]);
        } else if (input.value) { e.preventDefault(); }
      }
      else if (e.key === 'Escape') { close(); }
      else if (e.key === 'Backspace' && !input.value) {
        var chosen = Array.prototype.filter.call(select.options, function (o) { return o.selected; });
        if (chosen.length) { chosen[chosen.length - 1].selected = false; drawChips(); changed(); }
      }
    });
    select.addEventListener('dd:refresh', drawChips);
    drawChips();
  }

  // ---- (3) a deadline rule shows its date; the date box is for the kinds that need one
  var COMPUTED = ['working_days', 'lunar'];

  function deadline(row) {
    if (row.dataset.ddDeadline) return;
    row.dataset.ddDeadline = '1';
    var t = strings();
    var kind = row.querySelector('select[name$="deadline_kind"]');
    var date = row.querySelector('input[name$="-deadline"], input[name="deadline"]');
    var days = row.querySelector('input[name$="deadline_days"]');
    var year = row.querySelector('input[name$="tet_year"]');
    var out = row.nextElementSibling && row.nextElementSibling.matches('[data-computed]') ? row.nextElementSibling : null;
    if (!kind) return;
    function wrap(el) { return el ? el.closest('.dd-field') : null; }
    // The fields' own CSS sets their display: the `hidden` attribute alone would not hide them.
    function show(el, on) { if (el) el.style.display = on ? '' : 'none'; }
    function update() {
      var k = kind.value;
      var computed = COMPUTED.indexOf(k) !== -1;
      show(wrap(date), !computed && k !== 'none');
      show(wrap(days), k === 'working_days');
      show(wrap(year), k === 'lunar');
      if (!out) return;
      if (!computed || (k === 'working_days' && !(days && days.value))) { out.textContent = ''; return; }
      var q = '?kind=' + encodeURIComponent(k);
      if (days && days.value) q += '&days=' + encodeURIComponent(days.value);
      if (year && year.value) q += '&tet_year=' + encodeURIComponent(year.value);
      fetch(row.dataset.computeUrl + q, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          out.textContent = data.date ? (t.computed || '') + ' ' + data.date : (data.error || '');
          if (data.date && date) date.value = data.date;
        })
        .catch(function () { out.textContent = ''; });
    }
    [kind, days, year].forEach(function (el) { if (el) el.addEventListener('change', update); });
    if (days) days.addEventListener('input', update);
    update();
  }

  // ---- (4) unsaved edits on the proposal cards survive the reload that a mapping causes
  var MAX_AGE_MS = 60 * 60 * 1000;

  function storeKey(form) { return 'dd-proposals-' + form.dataset.proposals; }

  function fieldValue(el) {
    if (el.type === 'checkbox') return el.checked;
    if (el.multiple) return Array.prototype.filter.call(el.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
    return el.value;
  }

  function setValue(el, value) {
    if (el.type === 'checkbox') el.checked = !!value;
    else if (el.multiple) Array.prototype.forEach.call(el.options, function (o) { o.selected = value.indexOf(o.value) !== -1; });
    else el.value = value;
    el.dispatchEvent(new Event('dd:refresh'));
  }

  function keep(form) {
    if (form.dataset.ddKeep) return;
    form.dataset.ddKeep = '1';
    var key = storeKey(form);
    var saved = {};
    try { saved = JSON.parse(sessionStorage.getItem(key) || '{}'); } catch (e) { saved = {}; }
    if (!saved.at || Date.now() - saved.at > MAX_AGE_MS) saved = { cards: {} };
    var restored = false;
    form.querySelectorAll('article[data-key]').forEach(function (card) {
      var edits = saved.cards[card.dataset.key];
      if (!card.dataset.key || !edits) return;
      Object.keys(edits).forEach(function (name) {
        var el = card.querySelector('[name="' + card.dataset.prefix + '-' + name + '"]');
        if (el) { setValue(el, edits[name]); restored = true; }
      });
      card.classList.toggle('dd-tcard--off', !card.querySelector('input[name$="-take"]').checked);
    });
    if (restored) {
      var note = document.createElement('div');
      note.className = 'dd-alert';
      note.setAttribute('role', 'status');
      note.dataset.keptEdits = '';
      note.textContent = strings().kept || '';
      form.insertBefore(note, form.firstChild.nextSibling);
    }
    function remember(e) {
      var el = e.target;
      var card = el.closest && el.closest('article[data-key]');
      if (!card || !card.dataset.key || !el.name) return;
      var name = el.name.slice(card.dataset.prefix.length + 1);
      saved.cards[card.dataset.key] = saved.cards[card.dataset.key] || {};
      saved.cards[card.dataset.key][name] = fieldValue(el);
      saved.at = Date.now();
      try { sessionStorage.setItem(key, JSON.stringify(saved)); } catch (err) { /* private mode */ }
      if (name === 'take') card.classList.toggle('dd-tcard--off', !el.checked);
    }
    form.addEventListener('change', remember);
    form.addEventListener('input', remember);
    // Confirming saves the cards: what was kept is no longer needed.
    form.addEventListener('submit', function () { sessionStorage.removeItem(key); });
  }

  function init() {
    light();
    document.querySelectorAll('form[data-proposals]').forEach(keep);
    document.querySelectorAll('select[multiple][data-chips]').forEach(chips);
    document.querySelectorAll('[data-deadline]').forEach(deadline);
  }
  init();
  // Turbo runs this file again on each visit: one listener is enough.
  if (!window.ddBreakdownEditor) {
    window.ddBreakdownEditor = true;
    document.addEventListener('turbo:load', init);
  }
})();
