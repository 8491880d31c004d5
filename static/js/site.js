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

/* The free-shipping notice of the return request form (seed 002): only the
   line of the chosen quantity shows, and none for an exchange or a reason
   that is the artist's fault (nothing is deducted then). Without
   JavaScript every quantity is listed; the server checks anyway. */
(function () {
  "use strict";

  var notice = document.getElementById("shipping-deduction");
  var form = notice && notice.closest("form");
  if (!form) { return; }
  var quantity = form.querySelector("[name=quantity]");
  var reason = form.querySelector("select[data-photo-reasons]");
  var faultReasons = reason ? (reason.dataset.photoReasons || "").split(/\s+/) : [];
  var confirmRow = form.querySelector('[data-field="accept_shipping_deduction"]');

  var update = function () {
    var kind = form.querySelector("input[name=kind]:checked");
    var noDeduction = (kind && kind.value !== "return") ||
      (reason && faultReasons.indexOf(reason.value) !== -1);
    var chosen = quantity ? String(quantity.value) : "";
    var deducts = false;
    notice.querySelectorAll("li[data-quantity]").forEach(function (row) {
      var isChosen = row.dataset.quantity === chosen;
      row.hidden = !isChosen;
      if (isChosen && parseFloat(row.dataset.amount) > 0) { deducts = true; }
    });
    notice.hidden = Boolean(noDeduction);
    if (confirmRow && !confirmRow.classList.contains("has-error")) {
      confirmRow.hidden = Boolean(noDeduction) || !deducts;
    }
  };
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
