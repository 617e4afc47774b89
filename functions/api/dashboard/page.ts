/**
 * The dashboard: one static page served by the app at `/` (no separate server, no build step).
 * It holds no data itself: everything comes from the same `/v1` API with the key the user
 * types in, kept in `sessionStorage` for the tab's lifetime only.
 */
export const DASHBOARD_HTML = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sessionvault</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1b1f24; }
  header { background: #1b1f24; color: #fff; padding: 12px 20px; display: flex; gap: 16px; align-items: center; }
  header h1 { font-size: 18px; margin: 0; flex: 1; }
  main { padding: 20px; display: grid; gap: 20px; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); }
  section { background: #fff; border-radius: 8px; padding: 16px; box-shadow: 0 1px 3px #0002; }
  h2 { font-size: 16px; margin: 0 0 12px; }
  table { width: 100%; border-collapse: collapse; }
  td, th { text-align: left; padding: 6px 4px; border-bottom: 1px solid #eee; font-size: 14px; }
  .status { font-weight: 600; }
  .status.connected, .status.active { color: #137333; }
  .status.qr, .status.connecting, .status.pending { color: #b06000; }
  .status.logged_out, .status.failed, .status.conflict, .status.dead, .status.degraded { color: #c5221f; }
  form { display: flex; gap: 8px; flex-wrap: wrap; margin: 8px 0; }
  input { padding: 6px 8px; border: 1px solid #ccc; border-radius: 4px; }
  button { padding: 6px 12px; border: 0; border-radius: 4px; background: #1a73e8; color: #fff; cursor: pointer; }
  button.secondary { background: #5f6368; }
  button.danger { background: #c5221f; }
  #qr-box, #tg-qr-box { text-align: center; }
  #qr-box img, #tg-qr-box img { width: 264px; height: 264px; image-rendering: pixelated; }
  .error { color: #c5221f; min-height: 1.2em; }
  .hidden { display: none; }
  code { background: #f1f3f4; padding: 2px 4px; border-radius: 3px; }
</style>
</head>
<body>
<header><h1>Sessionvault</h1><span id="who"></span><button id="sign-out" class="secondary hidden">Sign out</button></header>

<section id="sign-in" style="max-width: 480px; margin: 40px auto;">
  <h2>Sign in</h2>
  <form id="sign-in-form"><input id="api-key" type="password" placeholder="API key (sv_…)" size="40" required><button>Sign in</button></form>
  <div class="error" id="sign-in-error"></div>
</section>

<main id="app" class="hidden">
  <section>
    <h2>WhatsApp sessions</h2>
    <form id="wa-create"><input id="wa-session-id" placeholder="session id (optional)"><input id="wa-phone" placeholder="phone for pairing code (optional)"><button>Create / connect</button></form>
    <div class="error" id="wa-error"></div>
    <table><thead><tr><th>Session</th><th>Status</th><th>Account</th><th></th></tr></thead><tbody id="wa-list"></tbody></table>
    <div id="qr-box" class="hidden">
      <h2><span id="qr-title">Scan with WhatsApp</span>: <code id="qr-session"></code></h2>
      <img id="qr-image" alt="WhatsApp QR code">
      <p id="pairing" class="hidden">Pairing code: <code id="pairing-code"></code></p>
      <p id="qr-status"></p>
    </div>
  </section>
  <section>
    <h2>Telegram sessions</h2>
    <form id="tg-code"><input id="tg-phone" placeholder="+15551234567" required><button>Send code</button></form>
    <form id="tg-qr-start"><button class="secondary">Log in with a QR code</button></form>
    <div id="tg-qr-box" class="hidden">
      <h2>Scan in Telegram: Settings → Devices → Link Desktop Device</h2>
      <img id="tg-qr-image" alt="Telegram QR code">
      <form id="tg-qr-password" class="hidden"><input id="tg-qr-pw" type="password" placeholder="2FA password"><button>Finish</button></form>
    </div>
    <form id="tg-verify" class="hidden"><input id="tg-login-code" placeholder="code" autocomplete="one-time-code"><input id="tg-password" type="password" placeholder="2FA password" class="hidden"><button>Verify</button></form>
    <div id="tg-message"></div>
    <div class="error" id="tg-error"></div>
    <table><thead><tr><th>Session</th><th>Phone</th><th>Status</th><th></th></tr></thead><tbody id="tg-list"></tbody></table>
  </section>
</main>

<script>
(() => {
  const $ = (id) => document.getElementById(id);
  let key = sessionStorage.getItem("sv-key");
  let watched = null; // the WhatsApp session whose QR is shown
  let login = null;   // {phoneNumber, phoneCodeHash} between the two Telegram calls
  let qrUrl = null;
  let tgQr = null;    // {loginId, qr, timer} while a Telegram QR login is shown
  let tgQrUrl = null;

  async function api(method, path, body, accept) {
    const headers = { authorization: "Bearer " + key };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (accept) headers.accept = accept;
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) {
      const problem = await res.json().catch(() => ({}));
      const error = new Error(problem.detail || problem.title || res.statusText);
      error.code = problem.code; error.status = res.status; error.problem = problem;
      throw error;
    }
    if (res.status === 204) return null;
    return accept === "image/png" ? res.blob() : res.json();
  }

  function text(s) { const d = document.createElement("span"); d.textContent = s == null ? "" : String(s); return d.innerHTML; }

  async function signIn(candidate) {
    key = candidate;
    try {
      const me = await api("GET", "/v1/me");
      sessionStorage.setItem("sv-key", key);
      $("who").textContent = me.tenantId;
      $("sign-in").classList.add("hidden"); $("app").classList.remove("hidden"); $("sign-out").classList.remove("hidden");
      refresh();
    } catch (e) {
      key = null; sessionStorage.removeItem("sv-key");
      $("sign-in-error").textContent = e.status === 401 ? "That key was not accepted." : e.message;
    }
  }

  async function refreshWhatsApp() {
    const { sessions } = await api("GET", "/v1/whatsapp/sessions?limit=100");
    $("wa-list").innerHTML = sessions.map((s) =>
      '<tr data-session="' + text(s.sessionId) + '"><td><code>' + text(s.sessionId) + '</code></td>' +
      '<td class="status ' + text(s.status) + '" data-role="status">' + text(s.status) + '</td>' +
      '<td>' + text(s.account ? (s.account.name || "") + " +" + s.account.phone : "") + '</td>' +
      '<td><button class="secondary" data-act="show">QR</button> <button class="secondary" data-act="disconnect">Disconnect</button> ' +
      '<button class="danger" data-act="delete">Delete</button></td></tr>').join("");
    if (watched) await refreshQr(sessions.find((s) => s.sessionId === watched));
  }

  async function refreshQr(session) {
    if (!session) { $("qr-box").classList.add("hidden"); watched = null; return; }
    $("qr-box").classList.remove("hidden");
    $("qr-session").textContent = session.sessionId;
    $("qr-status").textContent = "Status: " + session.status;
    $("qr-status").dataset.status = session.status;
    $("qr-title").textContent = session.status === "connected" ? "Connected" : "Scan with WhatsApp";
    if (session.status === "qr") {
      const blob = await api("GET", "/v1/whatsapp/sessions/" + encodeURIComponent(session.sessionId) + "/qr", undefined, "image/png").catch(() => null);
      if (blob) { if (qrUrl) URL.revokeObjectURL(qrUrl); qrUrl = URL.createObjectURL(blob); $("qr-image").src = qrUrl; $("qr-image").classList.remove("hidden"); }
    } else {
      $("qr-image").classList.add("hidden");
    }
    if (session.pairingCode) { $("pairing").classList.remove("hidden"); $("pairing-code").textContent = session.pairingCode; }
    else $("pairing").classList.add("hidden");
  }

  async function refreshTelegram() {
    const { sessions } = await api("GET", "/v1/telegram/sessions?limit=100");
    $("tg-list").innerHTML = sessions.map((s) =>
      '<tr data-tg="' + text(s.sessionId) + '"><td><code>' + text(s.sessionId) + '</code></td><td>' + text(s.phoneNumber) + '</td>' +
      '<td class="status ' + text(s.status) + '">' + text(s.status) + '</td>' +
      '<td><button class="secondary" data-act="check">Check</button> <button class="danger" data-act="delete">Delete</button></td></tr>').join("");
  }

  async function refresh() {
    if (!key) return;
    await Promise.all([
      refreshWhatsApp().catch((e) => ($("wa-error").textContent = e.message)),
      refreshTelegram().catch((e) => ($("tg-error").textContent = e.message)),
    ]);
  }

  $("sign-in-form").addEventListener("submit", (e) => { e.preventDefault(); signIn($("api-key").value.trim()); });
  $("sign-out").addEventListener("click", () => { sessionStorage.removeItem("sv-key"); location.reload(); });

  $("wa-create").addEventListener("submit", async (e) => {
    e.preventDefault(); $("wa-error").textContent = "";
    const body = {};
    if ($("wa-session-id").value.trim()) body.sessionId = $("wa-session-id").value.trim();
    if ($("wa-phone").value.trim()) body.phoneNumber = $("wa-phone").value.trim();
    try { const s = await api("POST", "/v1/whatsapp/sessions", body); watched = s.sessionId; await refresh(); }
    catch (err) { $("wa-error").textContent = err.message; }
  });

  $("wa-list").addEventListener("click", async (e) => {
    const act = e.target.dataset.act; if (!act) return;
    const id = e.target.closest("tr").dataset.session;
    const path = "/v1/whatsapp/sessions/" + encodeURIComponent(id);
    try {
      if (act === "show") watched = id;
      if (act === "disconnect") await api("POST", path + "/disconnect");
      if (act === "delete" && confirm("Log out and delete " + id + "?")) { await api("DELETE", path); if (watched === id) watched = null; }
      await refresh();
    } catch (err) { $("wa-error").textContent = err.message; }
  });

  $("tg-code").addEventListener("submit", async (e) => {
    e.preventDefault(); $("tg-error").textContent = ""; $("tg-message").textContent = "";
    try {
      const r = await api("POST", "/v1/telegram/sessions/code", { phoneNumber: $("tg-phone").value.trim() });
      if (r.status === "session_exists") { $("tg-message").textContent = "A session already exists for this phone: " + r.sessionId; await refresh(); return; }
      login = { phoneNumber: r.phoneNumber, phoneCodeHash: r.phoneCodeHash };
      $("tg-message").textContent = "Code sent " + (r.isCodeViaApp ? "in the Telegram app" : "by SMS") + ".";
      $("tg-verify").classList.remove("hidden");
    } catch (err) { $("tg-error").textContent = err.message; }
  });

  $("tg-verify").addEventListener("submit", async (e) => {
    e.preventDefault(); $("tg-error").textContent = "";
    const body = { ...login, code: $("tg-login-code").value.trim() };
    if ($("tg-password").value) body.password = $("tg-password").value;
    try {
      const s = await api("POST", "/v1/telegram/sessions/verify", body);
      $("tg-message").textContent = "Signed in: " + s.sessionId;
      $("tg-verify").classList.add("hidden"); $("tg-password").classList.add("hidden"); $("tg-password").value = "";
      login = null; await refresh();
    } catch (err) {
      if (err.code === "password_required") {
        $("tg-password").classList.remove("hidden");
        $("tg-message").textContent = "This account has two-step verification" + (err.problem.hint ? " (hint: " + err.problem.hint + ")" : "") + ".";
      } else $("tg-error").textContent = err.message;
    }
  });

  // Telegram QR login: show the QR, poll every 2 s until the phone scanned it (or a password is due).
  function stopTgQr(message) {
    if (tgQr) clearTimeout(tgQr.timer);
    tgQr = null;
    $("tg-qr-box").classList.add("hidden"); $("tg-qr-password").classList.add("hidden");
    if (message) $("tg-message").textContent = message;
  }

  async function showTgQr(state) {
    if (tgQr.qr === state.qr) return;
    tgQr.qr = state.qr;
    const blob = await api("GET", "/v1/telegram/sessions/qr/" + tgQr.loginId, undefined, "image/png");
    if (tgQrUrl) URL.revokeObjectURL(tgQrUrl);
    tgQrUrl = URL.createObjectURL(blob); $("tg-qr-image").src = tgQrUrl;
  }

  async function tgQrStep(body) {
    const r = await api("POST", "/v1/telegram/sessions/qr/" + tgQr.loginId, body || {});
    if (r.sessionId) { stopTgQr("Signed in: " + r.sessionId); await refresh(); return; }
    if (r.status === "password_required") {
      $("tg-qr-image").classList.add("hidden"); $("tg-qr-password").classList.remove("hidden");
      $("tg-message").textContent = "Scanned. This account has two-step verification" + (r.hint ? " (hint: " + r.hint + ")" : "") + ".";
      return;
    }
    await showTgQr(r);
    tgQr.timer = setTimeout(() => tgQrStep().catch(tgQrFailed), 2000);
  }

  function tgQrFailed(err) {
    if (err.code === "telegram.password_invalid") { $("tg-error").textContent = err.message; return; }
    stopTgQr(err.code === "telegram.qr_login_expired" ? "The QR login expired; start again." : "");
    $("tg-error").textContent = err.code === "telegram.qr_login_expired" ? "" : err.message;
  }

  $("tg-qr-start").addEventListener("submit", async (e) => {
    e.preventDefault(); $("tg-error").textContent = ""; $("tg-message").textContent = "";
    stopTgQr();
    try {
      const r = await api("POST", "/v1/telegram/sessions/qr", {});
      tgQr = { loginId: r.loginId, qr: null, timer: null };
      await showTgQr(r);
      $("tg-qr-box").classList.remove("hidden"); $("tg-qr-image").classList.remove("hidden");
      tgQr.timer = setTimeout(() => tgQrStep().catch(tgQrFailed), 2000);
    } catch (err) { $("tg-error").textContent = err.message; }
  });

  $("tg-qr-password").addEventListener("submit", async (e) => {
    e.preventDefault(); $("tg-error").textContent = "";
    if (!tgQr) return;
    const password = $("tg-qr-pw").value; $("tg-qr-pw").value = "";
    await tgQrStep({ password }).catch(tgQrFailed);
  });

  $("tg-list").addEventListener("click", async (e) => {
    const act = e.target.dataset.act; if (!act) return;
    const id = e.target.closest("tr").dataset.tg;
    const path = "/v1/telegram/sessions/" + encodeURIComponent(id);
    try {
      if (act === "check") { const r = await api("POST", path + "/check"); $("tg-message").textContent = id + ": " + (r.alive ? "alive" : "dead (" + r.reason + ")"); }
      if (act === "delete" && confirm("Delete " + id + "?")) await api("DELETE", path);
      await refresh();
    } catch (err) { $("tg-error").textContent = err.message; }
  });

  setInterval(refresh, 2000);
  if (key) signIn(key);
})();
</script>
</body>
</html>`;
