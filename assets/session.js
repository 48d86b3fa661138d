// A callback answered 401: the session ended (signed out elsewhere, the
// account disabled or its password reset, the session expired). Go to the
// sign-in page, which brings the reader back to this state afterwards,
// instead of leaving a page whose clicks do nothing.
(function () {
  var fetchOriginal = window.fetch;
  var leaving = false;
  window.fetch = function (input) {
    return fetchOriginal.apply(this, arguments).then(function (res) {
      var url = typeof input === "string" ? input : (input && input.url) || "";
      if (res.status === 401 && !leaving && url.indexOf("/_dash-update-component") !== -1) {
        leaving = true;
        var here = window.location.pathname + window.location.search;
        window.location.assign("/login?next=" + encodeURIComponent(here));
      }
      return res;
    });
  };
})();
