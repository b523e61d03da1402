// aims: the little behaviour pages need beyond htmx. No inline scripts anywhere
// (the Content-Security-Policy forbids them): forms that need a confirmation
// carry data-confirm="question".
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
}, true);
