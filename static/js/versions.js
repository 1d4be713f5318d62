// Versions, on the two pages that know them. The new-song form's button says how many songs it
// makes ("Make 2 versions"); on a job page, one version sounds at a time, so they are compared by ear.
(function () {
  "use strict";

  function labelSubmit(select) {
    var button = select.form && select.form.querySelector("button[type=submit]");
    if (!button) return;
    if (!button.dataset.singleLabel) button.dataset.singleLabel = button.textContent;
    var count = Number(select.value);
    button.textContent = count > 1 ? "Make " + count + " versions" : button.dataset.singleLabel;
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("select[name=versions]")) labelSubmit(event.target);
  });

  // Media events do not bubble, so this listener catches them on their way down.
  document.addEventListener(
    "play",
    function (event) {
      var versions = event.target.closest && event.target.closest("[data-versions]");
      if (!versions) return;
      versions.querySelectorAll("audio").forEach(function (audio) {
        if (audio !== event.target) audio.pause();
      });
    },
    true
  );

  htmx.onLoad(function (root) {  // the form comes back with its errors through htmx, versions still chosen
    Array.prototype.forEach.call(root.querySelectorAll("select[name=versions]"), labelSubmit);
  });
})();
