// A Print button for pages people take away (the handout). The page works without
// JavaScript: the button stays hidden and the page says how to print from the browser.
"use strict";
document.querySelectorAll("button[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});
document.querySelectorAll("[data-print-hint]").forEach(function (hint) {
  hint.hidden = true;
});
