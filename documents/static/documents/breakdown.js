// Pointing at a proposal card lights its passage in the text. A file, not an inline script:
// the Content-Security-Policy allows scripts from this site only.
(function () {
  function light() {
    document.querySelectorAll('[data-proposal]').forEach(function (card) {
      if (card.tagName === 'MARK' || card.dataset.ddLit) return;
      card.dataset.ddLit = '1';
      var marks = document.querySelectorAll('mark.dd-src[data-proposal="' + card.dataset.proposal + '"]');
      ['mouseenter', 'focusin'].forEach(function (e) { card.addEventListener(e, function () { marks.forEach(function (m) { m.classList.add('dd-src--on'); }); }); });
      ['mouseleave', 'focusout'].forEach(function (e) { card.addEventListener(e, function () { marks.forEach(function (m) { m.classList.remove('dd-src--on'); }); }); });
    });
  }
  light();
  document.addEventListener('turbo:load', light);
})();
