/* Place pickers (parity.areas.forms.PlaceInput): as the user types a place's name, ask
   the server (web:place_search, the GB/T 2260 table) and offer the matches in the box's
   <datalist>; a choice fills in "code name", which the form reads as the code. */
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      var text = input.value.trim();
      if (!text || /^[0-9]{6}\s/.test(text) || text === asked) return;
      clearTimeout(timer);
      timer = setTimeout(function () {
        asked = text;
        var url = input.dataset.placeSearch + "?q=" + encodeURIComponent(text);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            if (input.value.trim() !== text) return;  // the user typed on meanwhile
            list.replaceChildren();
            data.results.forEach(function (place) {
              var option = document.createElement("option");
              option.value = place.code + " " + place.name;
              list.appendChild(option);
            });
          })
          .catch(function () { /* no suggestions: the box still takes a code or a name */ });
      }, 200);
    });
  }
  document.querySelectorAll("input[data-place-search][list]").forEach(attach);
})();
