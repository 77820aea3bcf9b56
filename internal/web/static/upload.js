// A file larger than the server takes would be refused with the whole
// form (upload.go): say so when it is chosen, before anything is sent.
document.querySelectorAll('input[type=file][data-max-bytes]').forEach(function (input) {
  input.addEventListener('change', function () {
    var max = Number(input.dataset.maxBytes);
    var tooBig = Array.prototype.some.call(input.files || [], function (f) { return f.size > max; });
    input.setCustomValidity(tooBig ? input.dataset.tooBig : '');
    if (tooBig) {
      input.reportValidity();
    }
  });
});
