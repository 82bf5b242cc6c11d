// Print buttons. A link marked data-print (the print view of "my data") works without
// JavaScript too; with it, the page is printed at once. A button marked data-print is hidden
// in the HTML (it could do nothing without JavaScript) and shown here.
document.querySelectorAll("button[data-print][hidden]").forEach(function (button) {
  button.hidden = false;
});
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-print]");
  if (link && window.print) {
    event.preventDefault();
    window.print();
  }
});
