// Progressive enhancement of the portal's forms: every page works without it.
(function () {
  'use strict';
  // Fields shown only when another field has a value (data-condition-field)
  function updateConditions(form) {
    var nodes = form.querySelectorAll('[data-condition-field]');
    Array.prototype.forEach.call(nodes, function (node) {
      var name = node.getAttribute('data-condition-field');
      var expected = JSON.parse(node.getAttribute('data-condition-value'));
      if (!Array.isArray(expected)) { expected = [expected]; }
      expected = expected.map(String);
      var value = null;
      var inputs = form.querySelectorAll('[name="' + name + '"]');
      Array.prototype.forEach.call(inputs, function (input) {
        if ((input.type === 'radio' || input.type === 'checkbox')) {
          if (input.checked) { value = input.value; }
        } else { value = input.value; }
      });
      var shown = expected.indexOf(String(value)) >= 0;
      node.hidden = !shown;
    });
  }
  // Wards of the chosen province without reloading the page
  function loadWards(select) {
    var target = document.getElementById(select.getAttribute('data-wards'));
    if (!target) { return; }
    var url = select.getAttribute('data-wards-url') + '?tinh=' + encodeURIComponent(select.value);
    fetch(url, {credentials: 'same-origin'}).then(function (r) { return r.json(); }).then(function (wards) {
      var first = target.options[0];
      target.innerHTML = '';
      target.appendChild(first);
      wards.forEach(function (ward) {
        var option = document.createElement('option');
        option.value = ward.code;
        option.textContent = ward.name;
        target.appendChild(option);
      });
    });
  }
  document.addEventListener('DOMContentLoaded', function () {
    Array.prototype.forEach.call(document.querySelectorAll('form[data-eform]'), function (form) {
      updateConditions(form);
      form.addEventListener('change', function () { updateConditions(form); });
    });
    Array.prototype.forEach.call(document.querySelectorAll('select[data-wards]'), function (select) {
      select.addEventListener('change', function () { loadWards(select); });
      var button = document.getElementById(select.getAttribute('data-wards') + '-refresh');
      if (button) { button.hidden = true; }
    });
    var summary = document.querySelector('.error-summary');
    if (summary) { summary.focus(); }
  });
}());
