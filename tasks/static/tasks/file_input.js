// The page's own file picker (tasks/widgets/file_input.html): show the chosen files' names
// next to the button, or the page's "no file chosen". Each picker includes this script, so it
// may load more than once: it listens once.
(function () {
  if (window.ddFileInput) return;
  window.ddFileInput = true;
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || !input.classList || !input.classList.contains("dd-file__input")) return;
    var names = input.parentNode.querySelector(".dd-file__names");
    if (!names) return;
    var files = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
    names.textContent = files.length ? files.join(", ") : names.getAttribute("data-none");
  });
})();
