/* Small behaviours of the pages, kept out of the HTML so that the
   Content-Security-Policy can forbid inline scripts (script-src 'self').
   Everything works without JavaScript; this only makes it smoother.

   - <select data-autosubmit>: submits its form when the choice changes
     (the language switch in the header).
   - #add-to-cart: the quantity field follows the stock of the chosen variant
     (the item page).
   - [data-field="shop_name"] with role radios: the shop name is shown only
     to future artists (the sign-up page).
   - <button data-print hidden>: shown, and prints the page (the receipt);
     without JavaScript the browser's own print command does the same.
*/
(function () {
  "use strict";

  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) { select.form.submit(); }
    });
  });

  var cartForm = document.getElementById("add-to-cart");
  if (cartForm) {
    var quantity = cartForm.querySelector("[name=quantity]");
    cartForm.addEventListener("change", function (event) {
      if (quantity && event.target.name === "variant" && event.target.dataset.stock) {
        quantity.max = event.target.dataset.stock;
      }
    });
  }

  var shopNameRow = document.querySelector('[data-field="shop_name"]');
  var roleRadios = document.querySelectorAll('input[name="role"]');
  if (shopNameRow && roleRadios.length) {
    var toggleShopName = function () {
      var checked = document.querySelector('input[name="role"]:checked');
      shopNameRow.hidden = !(checked && checked.value === "artist");
    };
    roleRadios.forEach(function (radio) { radio.addEventListener("change", toggleShopName); });
    toggleShopName();
  }

  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();

/* The return request form (templates/returns/return_request_form.html):
   the photos field shows only for the reasons that need photos (listed in
   the reason select's data-photo-reasons), and its label then says
   "required"; the wanted replacement shows only for an exchange. The server
   checks both anyway. */
(function () {
  "use strict";

  var reason = document.querySelector("select[data-photo-reasons]");
  if (!reason || !reason.form) { return; }
  var form = reason.form;
  var photoReasons = (reason.dataset.photoReasons || "").split(/\s+/);
  var photosRow = form.querySelector('[data-field="photos"]');
  var replacementRows = form.querySelectorAll('[data-field="desired_replacement"], [data-field="desired_text"]');

  var togglePhotos = function () {
    if (!photosRow) { return; }
    var needed = photoReasons.indexOf(reason.value) !== -1;
    var hasError = photosRow.classList.contains("has-error");
    photosRow.hidden = !needed && !hasError;
    var input = photosRow.querySelector("input[type=file]");
    if (input) { input.required = needed; }
    // The label says "required" instead of "required if ...".
    var requirement = photosRow.querySelector("[data-requirement]");
    if (requirement) {
      if (!requirement.dataset.conditionalText) {
        requirement.dataset.conditionalText = requirement.textContent;
      }
      requirement.textContent = needed
        ? "(" + requirement.dataset.requiredText + ")"
        : requirement.dataset.conditionalText;
    }
  };
  var toggleReplacement = function () {
    var checked = form.querySelector('input[name="kind"]:checked');
    var exchange = !!(checked && checked.value === "exchange");
    replacementRows.forEach(function (row) { row.hidden = !exchange; });
  };

  reason.addEventListener("change", togglePhotos);
  form.querySelectorAll('input[name="kind"]').forEach(function (radio) {
    radio.addEventListener("change", toggleReplacement);
  });
  togglePhotos();
  toggleReplacement();
})();
