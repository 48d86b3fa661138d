// The whole server is gone (stopped, restarting, the network to it down):
// the shell's status poll cannot even reach it, so its stale-data banner,
// which the server fills, never appears. A callback request that fails to
// connect (or a proxy's 502/504) shows this notice instead; the next one
// that gets an answer, the status poll's every STATUS_POLL_SECONDS, removes
// it, so the wall recovers by itself when the server returns.
(function () {
  var fetchOriginal = window.fetch;
  var NOTICE_ID = "shell-offline";

  function show() {
    if (document.getElementById(NOTICE_ID)) { return; }
    var box = document.createElement("div");
    box.id = NOTICE_ID;
    box.className = "alert alert-danger shell-notice";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:2000;";
    var icon = document.createElement("i");
    icon.className = "bi bi-wifi-off me-2";
    icon.setAttribute("aria-hidden", "true");
    box.appendChild(icon);
    box.appendChild(document.createTextNode(document.documentElement.lang === "en"
      ? "Server unreachable: showing the last figures until it recovers."
      : "服务器暂时无法连接：页面显示最后一次获取的数据，连接恢复后自动更新。"));
    document.body.appendChild(box);
  }

  function hide() {
    var box = document.getElementById(NOTICE_ID);
    if (box) { box.remove(); }
  }

  window.fetch = function (input) {
    var url = typeof input === "string" ? input : (input && input.url) || "";
    var mine = url.indexOf("/_dash-update-component") !== -1;
    return fetchOriginal.apply(this, arguments).then(function (res) {
      if (mine) { (res.status === 502 || res.status === 504) ? show() : hide(); }
      return res;
    }, function (err) {
      if (mine) { show(); }
      throw err;
    });
  };
})();
