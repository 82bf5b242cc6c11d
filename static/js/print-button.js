// The print button of "my data": a plain link to the print view, which also works without
// JavaScript; with it, the page is printed at once.
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-print]");
  if (link && window.print) {
    event.preventDefault();
    window.print();
  }
});
