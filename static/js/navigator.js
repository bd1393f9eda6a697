// While a new room is being created, wait for its notice, then open it.
const banner = document.getElementById("creating");

if (banner) {
  const wanted = banner.dataset.roomId;
  const open = (url) => location.assign(url);
  window.addEventListener("hotel:room.created", (e) => {
    if (e.detail.room.id === wanted) open(e.detail.room.url);
  });
  // The notice may have come before this page's socket opened: reload once connected.
  window.addEventListener("hotel:connected", () => {
    fetch(location.href, { headers: { Accept: "text/html" }, redirect: "follow" }).then((r) => {
      if (r.redirected) open(r.url);
    });
  }, { once: true });
}
