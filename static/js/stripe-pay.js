// Brugwerk: confirm a card or SEPA Direct Debit payment with Stripe's Payment Element.
// Loaded only when STRIPE_JS_ENABLED (production); Stripe.js itself comes from js.stripe.com.
(function () {
  "use strict";
  var form = document.getElementById("stripe-payment-form");
  if (!form || typeof Stripe === "undefined") {
    return;
  }
  var stripe = Stripe(form.dataset.publishableKey);
  var elements = stripe.elements({
    clientSecret: form.dataset.clientSecret,
    locale: document.documentElement.lang || "nl",
  });
  var paymentElement = elements.create("payment");
  paymentElement.mount("#stripe-payment-element");
  var message = document.getElementById("stripe-payment-message");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    form.querySelector("button").disabled = true;
    stripe
      .confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.returnUrl } })
      .then(function (result) {
        if (result.error) {
          message.textContent = result.error.message;
          form.querySelector("button").disabled = false;
        }
      });
  });
})();
