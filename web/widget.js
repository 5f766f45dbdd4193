// Kefu chat widget: one <script src=".../widget.js"> tag embeds it. It streams replies from
// POST /v1/chat over SSE and keeps the session id so a reload continues the conversation.
(function () {
  'use strict';
  var script = document.currentScript;
  var base = new URL(script && script.src ? script.src : location.href).origin;
  var title = (script && script.dataset.title) || 'Kefu';
  var lang = (script && script.dataset.lang) || 'zh';
  // The shop's logged-in customer, so order flows can list their orders (see docs/dialogue.md).
  var userId = (script && script.dataset.userId) || '';
  var userSig = (script && script.dataset.userSig) || '';
  var KEY = 'kefu.session';
  var css = '#kefu-btn{position:fixed;right:20px;bottom:20px;background:#0b6e4f;color:#fff;border:0;border-radius:24px;padding:12px 18px;font-size:15px;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.2);z-index:99999}' +
    '#kefu-panel{position:fixed;right:20px;bottom:76px;width:360px;max-width:calc(100vw - 24px);height:520px;max-height:calc(100vh - 100px);background:#fff;border-radius:12px;box-shadow:0 4px 24px rgba(0,0,0,.18);display:none;flex-direction:column;overflow:hidden;z-index:99999;font:14px/1.5 system-ui,"PingFang SC",sans-serif}' +
    '#kefu-panel.open{display:flex}#kefu-head{background:#0b6e4f;color:#fff;padding:10px 14px;font-weight:600}' +
    '#kefu-log{flex:1;overflow-y:auto;padding:12px;background:#f7f9fb}.kefu-msg{margin:6px 0;padding:8px 10px;border-radius:10px;max-width:85%;white-space:pre-wrap;word-break:break-word}' +
    '.kefu-user{background:#0b6e4f;color:#fff;margin-left:auto}.kefu-bot{background:#fff;border:1px solid #e3e8ee}.kefu-src{font-size:12px;color:#6b7785;margin-top:4px}' +
    '.kefu-typing{color:#6b7785;font-style:italic}#kefu-form{display:flex;border-top:1px solid #e3e8ee}#kefu-input{flex:1;border:0;padding:12px;font-size:14px;outline:none}' +
    '#kefu-send{border:0;background:#0b6e4f;color:#fff;padding:0 16px;cursor:pointer}@media (max-width:480px){#kefu-panel{right:0;bottom:0;width:100vw;height:100vh;max-height:100vh;border-radius:0}}';
  var style = document.createElement('style');
  style.textContent = css;
  document.head.appendChild(style);

  var btn = document.createElement('button');
  btn.id = 'kefu-btn';
  btn.textContent = lang === 'zh' ? '在线客服' : 'Chat';
  var panel = document.createElement('div');
  panel.id = 'kefu-panel';
  panel.innerHTML = '<div id="kefu-head"></div><div id="kefu-log" aria-live="polite"></div>' +
    '<form id="kefu-form"><input id="kefu-input" autocomplete="off" maxlength="2000"><button id="kefu-send" type="submit"></button></form>';
  document.body.appendChild(btn);
  document.body.appendChild(panel);
  panel.querySelector('#kefu-head').textContent = title;
  var log = panel.querySelector('#kefu-log');
  var input = panel.querySelector('#kefu-input');
  input.placeholder = lang === 'zh' ? '请输入您的问题…' : 'Type your question…';
  panel.querySelector('#kefu-send').textContent = lang === 'zh' ? '发送' : 'Send';
  btn.addEventListener('click', function () { panel.classList.toggle('open'); if (panel.classList.contains('open')) input.focus(); });

  function bubble(cls, text) {
    var el = document.createElement('div');
    el.className = 'kefu-msg ' + cls;
    el.textContent = text;
    log.appendChild(el);
    log.scrollTop = log.scrollHeight;
    return el;
  }

  var busy = false;
  panel.querySelector('#kefu-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text || busy) return;
    input.value = '';
    bubble('kefu-user', text);
    send(text);
  });

  function send(text) {
    busy = true;
    var bot = bubble('kefu-bot kefu-typing', lang === 'zh' ? '正在输入…' : 'typing…');
    var got = '';
    var body = { message: text, stream: true, channel: 'web' };
    var sid = localStorage.getItem(KEY);
    if (sid) body.session_id = sid;
    if (userId) body.user_id = userId;
    if (userSig) body.user_sig = userSig;
    fetch(base + '/v1/chat', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify(body) })
      .then(function (res) {
        if (!res.ok) {
          return res.json().then(function (j) {
            if (res.status === 404 && sid) { localStorage.removeItem(KEY); bot.remove(); busy = false; return send(text); }
            throw new Error(j.error ? j.error.message : 'HTTP ' + res.status);
          });
        }
        var reader = res.body.getReader();
        var decoder = new TextDecoder();
        var buf = '';
        function onEvent(name, data) {
          var d = JSON.parse(data);
          if (name === 'delta') { if (!got) bot.classList.remove('kefu-typing'); got += d.text; bot.textContent = got; }
          else if (name === 'done') {
            localStorage.setItem(KEY, d.session_id);
            if (!got) { bot.classList.remove('kefu-typing'); bot.textContent = d.reply; }
            if (d.sources && d.sources.length) {
              var s = document.createElement('div');
              s.className = 'kefu-src';
              s.textContent = (lang === 'zh' ? '来源:' : 'Sources: ') + d.sources.map(function (x, i) { return '[' + (i + 1) + '] ' + x.title; }).join('  ');
              bot.appendChild(s);
            }
          } else if (name === 'error') { bot.classList.remove('kefu-typing'); bot.textContent = d.message; }
          log.scrollTop = log.scrollHeight;
        }
        function pump() {
          return reader.read().then(function (r) {
            if (r.done) return;
            buf += decoder.decode(r.value, { stream: true });
            var idx;
            while ((idx = buf.indexOf('\n\n')) >= 0) {
              var raw = buf.slice(0, idx); buf = buf.slice(idx + 2);
              var ev = 'message', data = [];
              raw.split('\n').forEach(function (line) {
                if (line.indexOf('event:') === 0) ev = line.slice(6).trim();
                else if (line.indexOf('data:') === 0) data.push(line.slice(5).replace(/^ /, ''));
              });
              if (data.length) onEvent(ev, data.join('\n'));
            }
            return pump();
          });
        }
        return pump();
      })
      .catch(function (err) { bot.classList.remove('kefu-typing'); bot.textContent = (lang === 'zh' ? '出错了:' : 'Error: ') + err.message; })
      .then(function () { busy = false; });
  }
})();
