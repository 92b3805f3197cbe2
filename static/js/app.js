/* Behaviour shared by every page, bound from data- attributes: the Content-Security-Policy
   allows no inline script or event handler (onclick=…) in the HTML. */
(function () {
  "use strict";

  // <button data-action="print">: print the page (the print views' toolbar).
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-action='print']");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // A link to a page's form (#step-feedback, from a notification): open that <details>.
  function openLinkedDetails() {
    const target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (target && target.tagName === "DETAILS") {
      target.open = true;
      target.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", openLinkedDetails);
  document.addEventListener("DOMContentLoaded", openLinkedDetails);
})();
