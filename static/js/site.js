/* Small behaviours of the pages, kept out of the HTML so that the
   Content-Security-Policy can forbid inline scripts (script-src 'self').
   Everything works without JavaScript; this only makes it smoother.

   - <select data-autosubmit>: submits its form when the choice changes
     (the language switch in the header).
   - #add-to-cart: the quantity field follows the stock of the chosen variant
     (the item page).
   - [data-field="shop_name"] with role radios: the shop name is shown only
     to future artists (the sign-up page).
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
})();
