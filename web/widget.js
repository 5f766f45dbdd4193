// Kefu chat widget. One tag embeds it in any page:
//   <script src="https://kefu.example.com/widget.js" data-lang="zh" data-title="在线客服"
//           data-user-id="u42" data-user-sig="<hex HMAC from your backend>"></script>
// Optional: data-page-type="cart|checkout|payment" on pages that are one of those steps, and
// data-dwell-interval="15000" (ms between dwell reports; tests use less).
// Shop pages can also report steps from script: Kefu.track('payment', '/checkout/pay'),
// and open or close the panel: Kefu.open(), Kefu.close().
//
// Plain ES5 syntax, no build step, no third-party code, one file: shops paste one tag and it must
// run on whatever browsers their customers have. Everything from the server or the customer is put
// in the page with textContent, never as HTML.
//
// What it talks to (all on the origin this script was loaded from), with the session's token
// (given when the session was created, kept in localStorage beside its id) on every call after:
//   POST /v1/chat (SSE)                         the bot's reply, streamed
//   GET  /v1/chat/sessions/:id/messages?after=  history after a reload; agent replies after a handoff
//   POST /v1/sessions/:id/rating                CSAT, once
//   POST /v1/events                             page events for proactive service
(function () {
  'use strict';
  if (window.Kefu && window.Kefu.version) return; // embedded twice: the first one wins

  var script = document.currentScript;
  var data = (script && script.dataset) || {};
  var base = new URL(script && script.src ? script.src : location.href).origin;
  var lang = data.lang === 'en' ? 'en' : 'zh';
  // Sent with each message: Kefu answers a first "你好" on a Traditional page in Traditional.
  var pageLocale = lang === 'en' ? 'en' : /^zh-(hant|tw|hk|mo)$/i.test(data.lang || '') ? 'zh-Hant' : 'zh-Hans';
  // The shop's logged-in customer, so order flows can list their orders (docs/dialogue.md).
  var userId = data.userId || '';
  var userSig = data.userSig || '';

  var POLL_MS = 2000;
  var DWELL_MS = Math.max(1000, Number(data.dwellInterval) || 15000);
  var STEP_TYPES = ['cart', 'checkout', 'payment'];
  var RETRY_MS = [1000, 2000, 4000, 8000, 15000];
  var KEY = 'kefu.session';
  var KEY_USER = 'kefu.session.user';
  // The token the server gave with the session: continuing or reading it needs it, not the id.
  var KEY_TOKEN = 'kefu.session.token';
  var KEY_VISITOR = 'kefu.visitor';
  var KEY_RATED = 'kefu.rated';
  var KEY_OPEN = 'kefu.open';

  var STRINGS = {
    zh: {
      launcher: '在线客服', title: '在线客服', close: '关闭客服窗口', placeholder: '请输入您的问题…', send: '发送',
      inputLabel: '输入消息', log: '聊天记录', typing: '客服正在输入…', lookingUp: '正在查阅:', sources: '来源:', quickReplies: '快捷回复',
      welcome: '您好!请问有什么可以帮您?', agent: '人工客服', you: '我',
      joined: '人工客服 {a} 已接入', joinedAnon: '人工客服已接入', resolved: '人工客服已结束本次服务', returned: '已转回智能客服',
      queued: '正在为您转接人工客服,前面还有 {n} 位,预计等待约 {m} 分钟', assigned: '人工客服服务中',
      reconnecting: '网络连接中断,正在重连…', offline: '网络已断开,恢复后会自动重试。',
      failed: '消息没有发出去。', interrupted: '回复中断了,请重试。', retry: '重试',
      rateLimited: '发送太频繁了,请稍等片刻再试。', tooLong: '消息太长了,请分几次发送。', auth: '登录状态已失效,请刷新页面后再试。',
      attach: '发送图片', removeImage: '移除图片', imageRead: '图片文字:', imageTooLarge: '图片太大了,请换一张小一些的(最大 8 MB)。',
      imageUnsupported: '只能发送 PNG、JPEG、WebP、GIF 或 BMP 图片。', imageCorrupt: '这张图片打不开,可能已损坏,请重新拍一张。',
      imageTimeout: '图片识别超时了,请发一张更清晰或更小的图片,或直接输入文字。', nothingRead: '图片里没有识别到文字,请直接输入您的问题。',
      serverError: '服务暂时不可用,请稍后再试。',
      record: '录一段语音', stopRecord: '停止录音并发送', recording: '正在录音… 再点一次 ⏹ 发送', voice: '语音消息', micDenied: '无法使用麦克风,请在浏览器里允许后再试,或直接输入文字。',
      audioTooLong: '语音太长了,请控制在一分钟以内。', audioCorrupt: '这段语音无法识别,请重新录一次,或直接输入文字。', nothingHeard: '没有听清您说的话,请再录一次,或直接输入文字。', asrUnavailable: '语音识别暂时不可用,请直接输入文字。',
      ratePrompt: '请为本次服务评分', star: '{n} 星', rated: '感谢您的评价!', rateFailed: '评价没有提交成功,请再点一次。',
    },
    en: {
      launcher: 'Chat', title: 'Support', close: 'Close chat', placeholder: 'Type your question…', send: 'Send',
      inputLabel: 'Message', log: 'Conversation', typing: 'Support is typing…', lookingUp: 'Looking in: ', sources: 'Sources: ', quickReplies: 'Quick replies',
      welcome: 'Hi! How can I help you?', agent: 'Agent', you: 'You',
      joined: '{a} from our team joined', joinedAnon: 'An agent joined', resolved: 'The agent has closed this conversation', returned: 'You are back with the assistant',
      queued: 'Connecting you to an agent: {n} ahead of you, about {m} min', assigned: 'You are chatting with an agent',
      reconnecting: 'Connection lost, reconnecting…', offline: 'You are offline; we will retry when you are back.',
      failed: 'Your message was not sent.', interrupted: 'The reply was interrupted; please retry.', retry: 'Retry',
      rateLimited: 'Too many messages; please wait a moment.', tooLong: 'That message is too long; please split it up.', auth: 'Your login has expired; please reload the page.',
      attach: 'Send a picture', removeImage: 'Remove picture', imageRead: 'Text in the picture: ', imageTooLarge: 'That picture is too large; please send a smaller one (at most 8 MB).',
      imageUnsupported: 'Please send a PNG, JPEG, WebP, GIF or BMP picture.', imageCorrupt: 'That picture cannot be opened; it may be damaged. Please take it again.',
      imageTimeout: 'Reading the picture took too long; please send a clearer or smaller one, or type the text.', nothingRead: 'No text was found in the picture; please type your question.',
      serverError: 'The service is unavailable right now; please try again later.',
      record: 'Record a voice message', stopRecord: 'Stop and send', recording: 'Recording… press ⏹ to send', voice: 'Voice message', micDenied: 'The microphone is not available; allow it in your browser and try again, or type your question.',
      audioTooLong: 'That voice message is too long; please keep it under a minute.', audioCorrupt: 'That recording could not be played; please record it again or type your question.', nothingHeard: 'We could not make out any words; please record again or type your question.', asrUnavailable: 'Voice messages are unavailable right now; please type your question.',
      ratePrompt: 'How would you rate this conversation?', star: '{n} of 5 stars', rated: 'Thank you for your feedback!', rateFailed: 'Your rating was not sent; please tap again.',
    },
  };
  var T = STRINGS[lang];
  function t(key, vars) {
    return T[key].replace(/\{(\w+)\}/g, function (_, k) { return vars && vars[k] !== undefined ? String(vars[k]) : ''; });
  }

  // fn(), or `fallback` if it throws. ES5 has no `catch {}` without a binding, and no caller needs
  // the error: each has one obvious fallback (storage disabled, a malformed line, a bad URL).
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  function tryOr(fn, fallback) { try { return fn(); } catch (ignored) { return fallback; } }

  // Storage can throw (disabled, some private modes): the widget still works, it just forgets
  // the session on reload.
  function getItem(store, k) { return tryOr(function () { return window[store].getItem(k); }, null); }
  function setItem(store, k, v) { tryOr(function () { window[store].setItem(k, v); }); }
  function removeItem(store, k) { tryOr(function () { window[store].removeItem(k); }); }
  function randomId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return 'v' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12);
  }

  // A stored session belongs to the customer who started it: another login on the same browser
  // must not see it.
  var sessionId = getItem('localStorage', KEY);
  var sessionToken = getItem('localStorage', KEY_TOKEN);
  if (sessionId && (getItem('localStorage', KEY_USER) || '') !== userId) sessionId = null;
  if (!sessionId) forgetSession();
  var visitorId = getItem('localStorage', KEY_VISITOR);
  if (!visitorId) { visitorId = randomId(); setItem('localStorage', KEY_VISITOR, visitorId); }

  // The token comes only with the reply that created the session; later replies keep the one we have.
  function rememberSession(id, token) {
    sessionId = id;
    setItem('localStorage', KEY, id);
    if (token) { sessionToken = token; setItem('localStorage', KEY_TOKEN, token); }
    if (userId) setItem('localStorage', KEY_USER, userId); else removeItem('localStorage', KEY_USER);
  }
  function forgetSession() {
    sessionId = null;
    sessionToken = null;
    removeItem('localStorage', KEY);
    removeItem('localStorage', KEY_USER);
    removeItem('localStorage', KEY_TOKEN);
  }
  function tokenHeaders(headers) {
    if (sessionToken) headers['x-kefu-session-token'] = sessionToken;
    return headers;
  }
  // The server no longer lets this browser into its stored session: start a new one.
  function sessionRefused(status, code) {
    return status === 404 || code === 'session_token_required' || code === 'invalid_session_token' || code === 'session_user_mismatch';
  }

  // ---- styles: scoped by ids and kefu- classes so the shop's CSS and ours do not collide ----
  var css = [
    '#kefu-btn{position:fixed;right:20px;bottom:20px;background:#0b6e4f;color:#fff;border:0;border-radius:24px;padding:12px 18px;font:600 15px/1.2 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.2);z-index:2147483000}',
    // Keyboard focus must be visible; inside the panel the ring is drawn inwards, since the
    // panel clips what sticks out of it.
    '#kefu-btn:focus-visible{outline:3px solid #f5a623;outline-offset:2px}',
    '#kefu-panel button:focus-visible,#kefu-panel a:focus-visible{outline:3px solid #f5a623;outline-offset:-3px}',
    '#kefu-panel{position:fixed;right:20px;bottom:76px;width:370px;max-width:calc(100% - 24px);height:560px;max-height:calc(100% - 100px);background:#fff;color:#1f2933;border-radius:12px;box-shadow:0 4px 24px rgba(0,0,0,.18);display:none;flex-direction:column;overflow:hidden;z-index:2147483001;font:14px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;text-align:left}',
    '#kefu-panel.open{display:flex}',
    '#kefu-panel *{box-sizing:border-box}',
    '#kefu-head{background:#0b6e4f;color:#fff;padding:10px 8px 10px 14px;display:flex;align-items:center;gap:8px}',
    '#kefu-head-text{flex:1;min-width:0}#kefu-title{font-weight:600;margin:0;font-size:15px}',
    '#kefu-status{font-size:12px;opacity:.9;display:none}#kefu-status.show{display:block}',
    '#kefu-close{background:transparent;border:0;color:#fff;font-size:22px;line-height:1;width:40px;height:40px;border-radius:8px;cursor:pointer}',
    '#kefu-close:hover{background:rgba(255,255,255,.15)}',
    '#kefu-conn{display:none;background:#fff4e5;color:#8a4b00;font-size:13px;padding:6px 12px;border-bottom:1px solid #f5d9b0}#kefu-conn.show{display:block}',
    '#kefu-log{flex:1;overflow-y:auto;overflow-x:hidden;padding:12px;background:#f7f9fb;-webkit-overflow-scrolling:touch}',
    '.kefu-msg{margin:6px 0;padding:8px 11px;border-radius:12px;max-width:85%;width:fit-content;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word}',
    '.kefu-user{background:#0b6e4f;color:#fff;margin-left:auto;border-bottom-right-radius:4px}',
    '.kefu-bot,.kefu-welcome{background:#fff;border:1px solid #e3e8ee;border-bottom-left-radius:4px}',
    '.kefu-proactive{border-color:#9fd3bf;background:#f0faf5}',
    '.kefu-agent{background:#eef4ff;border:1px solid #c9d8f5;border-bottom-left-radius:4px}',
    '.kefu-badge{display:inline-block;font-size:11px;font-weight:600;color:#fff;background:#3366cc;border-radius:4px;padding:0 5px;margin-right:6px;vertical-align:1px}',
    '.kefu-error{background:#fff5f5;border:1px solid #f3c2c2;color:#8a1c1c}',
    '.kefu-src{font-size:12px;color:#52606d;margin-top:6px;white-space:normal}',
    '.kefu-src a{color:#0b6e4f;margin-right:8px}.kefu-src span{margin-right:8px}',
    '.kefu-notice{text-align:center;color:#6b7785;font-size:12px;margin:10px 0}',
    '.kefu-qr{display:flex;flex-wrap:wrap;gap:6px;margin:4px 0 8px}',
    '.kefu-qr button,.kefu-retry{border:1px solid #0b6e4f;background:#fff;color:#0b6e4f;border-radius:18px;padding:7px 14px;min-height:36px;font-size:14px;cursor:pointer;max-width:100%;overflow-wrap:anywhere}',
    '.kefu-qr button:hover,.kefu-retry:hover{background:#e8f5ef}',
    '.kefu-retry{margin-top:6px;display:block}',
    '.kefu-typing .kefu-dots{display:inline-flex;gap:4px;padding:4px 0}',
    '.kefu-looking{display:block;font-size:12px;color:#52606d;white-space:normal}',
    '.kefu-dots i{width:7px;height:7px;border-radius:50%;background:#9aa5b1;display:block;animation:kefu-blink 1.2s infinite ease-in-out}',
    '.kefu-dots i:nth-child(2){animation-delay:.2s}.kefu-dots i:nth-child(3){animation-delay:.4s}',
    '@keyframes kefu-blink{0%,80%,100%{opacity:.3;transform:translateY(0)}40%{opacity:1;transform:translateY(-3px)}}',
    '@media (prefers-reduced-motion:reduce){.kefu-dots i{animation:none}}',
    '.kefu-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}',
    '.kefu-rating{background:#fff;border:1px solid #e3e8ee;border-radius:12px;padding:10px 12px;margin:10px 0;text-align:center}',
    '.kefu-rating p{margin:0 0 6px}',
    '.kefu-stars{display:inline-flex;flex-direction:row}',
    '.kefu-star{background:none;border:0;font-size:28px;line-height:1;color:#f5a623;cursor:pointer;padding:4px 5px;min-width:40px;min-height:40px}',
    '.kefu-stars:hover .kefu-star{color:#f5a623}.kefu-star:hover~.kefu-star{color:#cbd2d9}',
    '#kefu-form{display:flex;border-top:1px solid #e3e8ee;background:#fff}',
    '#kefu-form:focus-within{box-shadow:inset 0 2px 0 #0b6e4f}',
    '#kefu-input{flex:1;min-width:0;border:0;padding:12px;font-size:15px;outline:none;background:transparent;color:#1f2933}',
    '#kefu-send{border:0;background:#0b6e4f;color:#fff;padding:0 18px;font-size:15px;cursor:pointer}',
    '#kefu-send[disabled]{opacity:.6;cursor:default}',
    '#kefu-attach{border:0;background:transparent;font-size:20px;padding:0 10px;cursor:pointer;color:#52606d}',
    '#kefu-preview{display:none;align-items:center;gap:8px;padding:6px 12px;border-top:1px solid #e3e8ee;background:#fafbfc;font-size:13px;color:#52606d}',
    '#kefu-preview.show{display:flex}#kefu-preview img{max-height:56px;max-width:96px;border-radius:6px;border:1px solid #e3e8ee}',
    '#kefu-preview button{margin-left:auto;border:0;background:none;font-size:18px;cursor:pointer;color:#52606d}',
    '.kefu-msg img.kefu-img{display:block;max-width:160px;max-height:160px;border-radius:8px;margin-top:4px}',
    '.kefu-read{display:block;font-size:12px;opacity:.8;margin-top:4px;white-space:pre-wrap}',
    '#kefu-mic{border:0;background:transparent;font-size:18px;padding:0 8px;cursor:pointer;color:#52606d}#kefu-mic[aria-pressed=true]{color:#c0392b}',
    '.kefu-voice-tag{display:block;font-size:12px;opacity:.8}',
    // Phones: the panel takes the whole screen (a floating box would be too small to type in);
    // 16px input text stops iOS from zooming the page when the field gets focus.
    '@media (max-width:480px){#kefu-panel{left:0;right:0;top:0;bottom:0;width:auto;max-width:none;height:auto;max-height:none;border-radius:0}',
    '#kefu-root.kefu-open #kefu-btn{display:none}#kefu-input{font-size:16px}.kefu-msg{max-width:90%}}',
  ].join('\n');
  var style = document.createElement('style');
  style.textContent = css;
  document.head.appendChild(style);

  // ---- DOM ----
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  var root = el('div', { id: 'kefu-root', lang: lang === 'zh' ? 'zh-CN' : 'en' });
  var btn = el('button', { id: 'kefu-btn', type: 'button', 'aria-controls': 'kefu-panel', 'aria-expanded': 'false' }, T.launcher);
  var panel = el('div', { id: 'kefu-panel', role: 'dialog', 'aria-label': data.title || T.title });
  var head = el('div', { id: 'kefu-head' });
  var headText = el('div', { id: 'kefu-head-text' });
  headText.appendChild(el('h2', { id: 'kefu-title' }, data.title || T.title));
  var status = el('div', { id: 'kefu-status', role: 'status' });
  headText.appendChild(status);
  head.appendChild(headText);
  var closeBtn = el('button', { id: 'kefu-close', type: 'button', 'aria-label': T.close, title: T.close }, '×');
  head.appendChild(closeBtn);
  var conn = el('div', { id: 'kefu-conn', role: 'status' });
  var log = el('div', { id: 'kefu-log', role: 'log', 'aria-live': 'polite', 'aria-label': T.log });
  var form = el('form', { id: 'kefu-form' });
  var input = el('input', { id: 'kefu-input', autocomplete: 'off', maxlength: '2000', placeholder: T.placeholder, 'aria-label': T.inputLabel, enterkeyhint: 'send' });
  var sendBtn = el('button', { id: 'kefu-send', type: 'submit' }, T.send);
  // A picture (a product label, an order screenshot) goes with the next message: chosen, or pasted.
  var fileInput = el('input', { id: 'kefu-file', type: 'file', accept: 'image/png,image/jpeg,image/webp,image/gif,image/bmp', hidden: 'hidden' });
  var attachBtn = el('button', { id: 'kefu-attach', type: 'button', 'aria-label': T.attach, title: T.attach }, '🖼');
  var preview = el('div', { id: 'kefu-preview', role: 'status' });
  form.appendChild(fileInput);
  form.appendChild(attachBtn);
  // A voice message: recorded with MediaRecorder where the browser has it, sent as an audio attachment.
  var canRecord = !!(window.MediaRecorder && navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  var micBtn = el('button', { id: 'kefu-mic', type: 'button', 'aria-label': T.record, title: T.record, 'aria-pressed': 'false' }, '🎤');
  if (canRecord) form.appendChild(micBtn);
  form.appendChild(input);
  form.appendChild(sendBtn);
  panel.appendChild(head);
  panel.appendChild(conn);
  panel.appendChild(log);
  panel.appendChild(preview);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(btn);
  document.body.appendChild(root);

  function scrollDown() { log.scrollTop = log.scrollHeight; }
  function bubble(cls, text) {
    var e = el('div', { class: 'kefu-msg ' + cls }, text);
    log.appendChild(e);
    scrollDown();
    return e;
  }
  function notice(text) {
    var e = el('div', { class: 'kefu-notice' }, text);
    log.appendChild(e);
    scrollDown();
    return e;
  }
  function agentBubble(text) {
    var e = el('div', { class: 'kefu-msg kefu-agent' });
    e.appendChild(el('span', { class: 'kefu-badge' }, T.agent));
    e.appendChild(el('span', { class: 'kefu-text' }, text));
    log.appendChild(e);
    scrollDown();
    return e;
  }
  function typingBubble() {
    var e = el('div', { class: 'kefu-msg kefu-bot kefu-typing' });
    var dots = el('span', { class: 'kefu-dots', 'aria-hidden': 'true' });
    dots.appendChild(el('i'));
    dots.appendChild(el('i'));
    dots.appendChild(el('i'));
    e.appendChild(dots);
    e.appendChild(el('span', { class: 'kefu-sr' }, T.typing));
    log.appendChild(e);
    scrollDown();
    return e;
  }
  function setConn(text) {
    conn.textContent = text || '';
    conn.className = text ? 'show' : '';
  }
  function setStatus(text) {
    status.textContent = text || '';
    status.className = text ? 'show' : '';
  }

  // ---- open / close ----
  var welcomed = false;
  /** `focus`: the customer opened it. `greeting`: a proactive message, shown instead of the welcome. */
  function openPanel(focus, greeting) {
    panel.classList.add('open');
    root.classList.add('kefu-open');
    btn.setAttribute('aria-expanded', 'true');
    setItem('sessionStorage', KEY_OPEN, '1');
    if (!welcomed && log.children.length === 0 && !greeting) bubble('kefu-welcome', T.welcome);
    welcomed = true;
    if (greeting) bubble('kefu-bot kefu-proactive', greeting);
    scrollDown();
    // Only a customer's own click moves focus: a proactive open must not pop up a phone keyboard.
    if (focus) input.focus();
  }
  function closePanel() {
    panel.classList.remove('open');
    root.classList.remove('kefu-open');
    btn.setAttribute('aria-expanded', 'false');
    removeItem('sessionStorage', KEY_OPEN);
    btn.focus();
  }
  btn.addEventListener('click', function () {
    if (panel.classList.contains('open')) closePanel(); else openPanel(true);
  });
  closeBtn.addEventListener('click', closePanel);
  panel.addEventListener('keydown', function (e) { if (e.key === 'Escape') closePanel(); });

  // ---- sending: POST /v1/chat, streamed over SSE ----
  var busy = false;
  function setBusy(b) {
    busy = b;
    sendBtn.disabled = b;
    log.setAttribute('aria-busy', b ? 'true' : 'false');
  }
  function clearQuickReplies() {
    var old = log.querySelectorAll('.kefu-qr');
    for (var i = 0; i < old.length; i++) old[i].parentNode.removeChild(old[i]);
  }
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if ((!text && !pendingImage) || busy) return;
    input.value = '';
    sendText(text);
  });
  function sendText(text) {
    if (busy) return;
    clearQuickReplies();
    var att = pendingImage;
    lastWasVoice = false;
    var mine = bubble('kefu-user', text);
    if (att) {
      mine.appendChild(el('img', { class: 'kefu-img', src: att.url, alt: att.name || T.attach }));
      clearImage();
    }
    post(text, 0, att);
  }

  // ---- pictures: chosen with the button or pasted, shown before sending, sent as base64 ----
  var MAX_IMAGE_BYTES = Number(data.maxImageBytes) || 8 * 1024 * 1024;
  var pendingImage = null;
  function clearImage() {
    pendingImage = null;
    fileInput.value = '';
    preview.className = '';
    preview.textContent = '';
  }
  function pickImage(file) {
    if (!file) return;
    if (!/^image\//.test(file.type)) { notice(T.imageUnsupported); return; }
    // Refused here rather than after uploading megabytes the server would refuse too.
    if (file.size > MAX_IMAGE_BYTES) { notice(T.imageTooLarge); return; }
    var reader = new FileReader();
    reader.onload = function () {
      var url = String(reader.result);
      pendingImage = { url: url, mime: file.type, name: file.name || 'image', data: url.slice(url.indexOf(',') + 1) };
      preview.textContent = '';
      preview.appendChild(el('img', { src: url, alt: pendingImage.name }));
      preview.appendChild(el('span', null, pendingImage.name));
      var remove = el('button', { type: 'button', 'aria-label': T.removeImage, title: T.removeImage }, '×');
      remove.addEventListener('click', clearImage);
      preview.appendChild(remove);
      preview.className = 'show';
      input.focus();
    };
    reader.readAsDataURL(file);
  }
  attachBtn.addEventListener('click', function () { fileInput.click(); });
  fileInput.addEventListener('change', function () { pickImage(fileInput.files && fileInput.files[0]); });
  input.addEventListener('paste', function (e) {
    var items = (e.clipboardData && e.clipboardData.files) || [];
    for (var i = 0; i < items.length; i++) {
      if (/^image\//.test(items[i].type)) { e.preventDefault(); pickImage(items[i]); return; }
    }
  });
  function showRead(bubbleEl, list) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].type !== 'image' || !list[i].text) continue;
      var t = list[i].text.length > 160 ? list[i].text.slice(0, 160) + '…' : list[i].text;
      bubbleEl.appendChild(el('span', { class: 'kefu-read' }, T.imageRead + t));
    }
  }

  // ---- voice: press 🎤 to record, press ⏹ to send (or it stops itself at the limit) ----
  var MAX_AUDIO_SECONDS = Number(data.maxAudioSeconds) || 60;
  var recorder = null;
  var lastWasVoice = false;
  function recordingMime() {
    var kinds = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm', 'audio/mp4'];
    for (var i = 0; i < kinds.length; i++) if (MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(kinds[i])) return kinds[i];
    return '';
  }
  function setRecording(on) {
    micBtn.setAttribute('aria-pressed', on ? 'true' : 'false');
    micBtn.textContent = on ? '⏹' : '🎤';
    micBtn.setAttribute('aria-label', on ? T.stopRecord : T.record);
    micBtn.title = on ? T.stopRecord : T.record;
    setConn(on ? T.recording : '');
  }
  function startRecording() {
    // No echo cancelling, noise suppression or gain control: they are tuned for calls, and speech
    // recognition hears their artefacts (a recorded question came back wrong 5 times in 8 with
    // them on, right 8 in 8 without); the server normalises loudness itself.
    navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } }).then(function (stream) {
      var mime = recordingMime();
      var rec = tryOr(function () { return mime ? new MediaRecorder(stream, { mimeType: mime }) : new MediaRecorder(stream); }, null);
      if (!rec) { stopTracks(stream); notice(T.micDenied); return; }
      var chunks = [];
      var timer = setTimeout(function () { if (rec.state === 'recording') rec.stop(); }, MAX_AUDIO_SECONDS * 1000);
      rec.ondataavailable = function (e) { if (e.data && e.data.size > 0) chunks.push(e.data); };
      rec.onstop = function () {
        clearTimeout(timer);
        stopTracks(stream);
        recorder = null;
        setRecording(false);
        var blob = new Blob(chunks, { type: (rec.mimeType || mime || 'audio/webm').split(';')[0] });
        if (blob.size > 0) sendVoice(blob);
      };
      recorder = rec;
      rec.start();
      setRecording(true);
    }, function () { notice(T.micDenied); });
  }
  function stopTracks(stream) {
    var tracks = stream.getTracks();
    for (var i = 0; i < tracks.length; i++) tracks[i].stop();
  }
  function sendVoice(blob) {
    var reader = new FileReader();
    reader.onload = function () {
      var url = String(reader.result);
      if (busy) return;
      clearQuickReplies();
      // The bubble says "voice message" until the reply brings back what was heard.
      var mine = bubble('kefu-user kefu-voice', '🎤 ' + T.voice);
      mine.setAttribute('data-voice', 'pending');
      lastWasVoice = true;
      post('', 0, { type: 'audio', mime: blob.type, data: url.slice(url.indexOf(',') + 1), name: 'voice' });
    };
    reader.readAsDataURL(blob);
  }
  function showHeard(bubbleEl, transcript) {
    bubbleEl.textContent = '';
    bubbleEl.appendChild(el('span', { class: 'kefu-voice-tag' }, '🎤 ' + T.voice));
    bubbleEl.appendChild(document.createTextNode(transcript));
    bubbleEl.setAttribute('data-voice', 'heard');
  }
  micBtn.addEventListener('click', function () {
    if (recorder) { if (recorder.state === 'recording') recorder.stop(); return; }
    if (busy) return;
    startRecording();
  });

  function HttpError(status, code) { this.status = status; this.code = code; }
  function errorText(err) {
    if (err && err.status === 429) return T.rateLimited;
    if (err && err.code === 'message_too_long') return T.tooLong;
    if (err && (err.code === 'image_too_large' || err.code === 'attachment_too_large')) return T.imageTooLarge;
    if (err && err.code === 'unsupported_image') return T.imageUnsupported;
    if (err && err.code === 'corrupt_image') return T.imageCorrupt;
    if (err && err.code === 'ocr_timeout') return T.imageTimeout;
    if (err && err.code === 'nothing_read') return lastWasVoice ? T.nothingHeard : T.nothingRead;
    if (err && (err.code === 'audio_too_long' || err.code === 'audio_too_large')) return T.audioTooLong;
    if (err && (err.code === 'corrupt_audio' || err.code === 'asr_rejected')) return T.audioCorrupt;
    if (err && /^asr_/.test(err.code || '')) return T.asrUnavailable;
    if (err && (err.status === 401 || err.status === 403)) return T.auth;
    return T.serverError;
  }
  /** Waits `ms`, or less if the browser says it is back online. */
  function later(fn, ms) {
    var fired = false;
    function go() {
      if (fired) return;
      fired = true;
      clearTimeout(timer);
      window.removeEventListener('online', go);
      fn();
    }
    var timer = setTimeout(go, ms);
    window.addEventListener('online', go);
  }

  function post(text, attempt, att) {
    setBusy(true);
    var mine = log.lastElementChild;
    var bot = typingBubble();
    var body = { message: text, stream: true, channel: 'web', locale: pageLocale };
    if (att) body.attachments = [{ type: att.type || 'image', mime: att.mime, data: att.data, name: att.name }];
    var sid = sessionId;
    if (sid) body.session_id = sid;
    if (sid && sessionToken) body.session_token = sessionToken;
    if (userId) body.user_id = userId;
    if (userSig) body.user_sig = userSig;
    var responded = false;
    var finished = false;
    var got = '';

    function onEvent(name, raw) {
      var d = tryOr(function () { return JSON.parse(raw); }, null);
      if (!d) return;
      if (name === 'sources') {
        if (!got) showLookingUp(bot, d.sources);
      } else if (name === 'delta') {
        if (!got) { bot.classList.remove('kefu-typing'); bot.textContent = ''; }
        got += d.text;
        bot.textContent = got;
      } else if (name === 'done') {
        finished = true;
        if (d.attachments && mine && mine.classList.contains('kefu-user')) showRead(mine, d.attachments);
        if (d.transcript && mine && mine.classList.contains('kefu-voice')) showHeard(mine, d.transcript);
        onDone(bot, d, got);
      } else if (name === 'error') {
        finished = true;
        bot.className = 'kefu-msg kefu-bot kefu-error';
        bot.textContent = errorText({ code: d.code });
      }
      scrollDown();
    }

    fetch(base + '/v1/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(body),
    }).then(function (res) {
      responded = true;
      setConn('');
      if (!res.ok) {
        return res.json().catch(function () { return {}; }).then(function (j) {
          var code = j && j.error ? j.error.code : '';
          // The session expired (TTL), was deleted or is not ours to continue: start a new one
          // with the same message.
          if (sid && sessionRefused(res.status, code)) {
            forgetSession();
            bot.parentNode.removeChild(bot);
            return post(text, attempt, att);
          }
          throw new HttpError(res.status, code);
        });
      }
      return readSse(res, onEvent).then(function () {
        if (!finished) throw new HttpError(0, 'interrupted');
        setBusy(false);
      });
    }).catch(function (err) {
      // Network failure before any response: the message never reached us, so sending it again
      // is safe. Retry with backoff and say so; after the last try, offer a button.
      if (!responded && !(err instanceof HttpError) && attempt < RETRY_MS.length) {
        bot.parentNode.removeChild(bot);
        setConn(navigator.onLine === false ? T.offline : T.reconnecting);
        later(function () { post(text, attempt + 1, att); }, RETRY_MS[attempt]);
        return;
      }
      setConn('');
      // A stream cut half way may have been answered already: the customer decides to resend.
      bot.className = 'kefu-msg kefu-bot kefu-error';
      var why = err instanceof HttpError && err.status > 0 ? errorText(err) : responded ? T.interrupted : T.failed;
      bot.textContent = (got ? got + '\n' : '') + why;
      var retry = el('button', { type: 'button', class: 'kefu-retry' }, T.retry);
      retry.addEventListener('click', function () {
        if (busy) return;
        bot.parentNode.removeChild(bot);
        post(text, 0, att);
      });
      bot.appendChild(retry);
      setBusy(false);
      scrollDown();
    });
  }

  /** Reads `event:`/`data:` blocks from a fetch body; resolves at the end of the stream. */
  function readSse(res, onEvent) {
    var reader = res.body.getReader();
    var decoder = new TextDecoder();
    var buf = '';
    function pump() {
      return reader.read().then(function (r) {
        if (r.done) return;
        buf += decoder.decode(r.value, { stream: true }).replace(/\r\n?/g, '\n');
        var idx;
        while ((idx = buf.indexOf('\n\n')) >= 0) {
          var block = buf.slice(0, idx);
          buf = buf.slice(idx + 2);
          var ev = 'message';
          var lines = [];
          var parts = block.split('\n');
          for (var i = 0; i < parts.length; i++) {
            if (parts[i].indexOf('event:') === 0) ev = parts[i].slice(6).trim();
            else if (parts[i].indexOf('data:') === 0) lines.push(parts[i].slice(5).replace(/^ /, ''));
          }
          if (lines.length) onEvent(ev, lines.join('\n'));
        }
        return pump();
      });
    }
    return pump();
  }

  function onDone(bot, d, streamed) {
    rememberSession(d.session_id, d.session_token);
    seen[d.message_id] = true;
    if (!d.reply && !streamed) {
      // While an agent has the conversation the bot stays silent: no bubble, nothing stored.
      bot.parentNode.removeChild(bot);
    } else {
      bot.classList.remove('kefu-typing');
      bot.textContent = d.reply || streamed;
      if (!lastIdFromPoll) lastId = d.message_id;
      renderSources(bot, d.sources);
    }
    if (d.quick_replies && d.quick_replies.length) renderQuickReplies(d.quick_replies);
    if (d.handoff) {
      handoffActive = true;
      startPolling(true);
    } else if (d.intent === 'goodbye' && !handoffActive && (!d.flow || d.flow.step === 'done' || d.flow.step === 'cancelled')) {
      offerRating();
    }
  }

  // Only web links: a knowledge-base entry must not be able to put a javascript: URL in the chat.
  function safeUrl(url) {
    var u = tryOr(function () { return new URL(url, base); }, null);
    return u && (u.protocol === 'http:' || u.protocol === 'https:') ? u.href : null;
  }
  // The sources come before the model has said anything (retrieval is done, generation starting):
  // while the dots run, the customer sees which of the shop's articles the answer is taken from.
  // The first delta replaces the bubble's content, the done reply lists every source.
  function showLookingUp(bot, sources) {
    if (!sources || !sources.length || !bot.classList.contains('kefu-typing')) return;
    var title = String(sources[0].title || '');
    if (!title) return;
    var old = bot.querySelector('.kefu-looking');
    if (old) old.parentNode.removeChild(old);
    var chars = Array.from(title);
    bot.appendChild(el('span', { class: 'kefu-looking' }, T.lookingUp + (chars.length > 40 ? chars.slice(0, 39).join('') + '…' : title)));
    scrollDown();
  }
  function renderSources(bot, sources) {
    if (!sources || !sources.length) return;
    var s = el('div', { class: 'kefu-src' }, T.sources);
    for (var i = 0; i < sources.length; i++) {
      var label = '[' + (i + 1) + '] ' + sources[i].title;
      var href = sources[i].url ? safeUrl(sources[i].url) : null;
      if (i > 0) s.appendChild(document.createTextNode(' '));
      s.appendChild(href ? el('a', { href: href, target: '_blank', rel: 'noopener noreferrer' }, label) : el('span', null, label));
    }
    bot.appendChild(s);
  }
  function renderQuickReplies(list) {
    var group = el('div', { class: 'kefu-qr', role: 'group', 'aria-label': T.quickReplies });
    for (var i = 0; i < list.length; i++) {
      (function (text) {
        var b = el('button', { type: 'button' }, text);
        b.addEventListener('click', function () { if (!busy) sendText(text); });
        group.appendChild(b);
      })(list[i]);
    }
    log.appendChild(group);
    scrollDown();
  }

  // ---- after a handoff: poll for agent replies and notices ----
  var seen = {};
  var lastId = null;
  // Once a poll has moved lastId forward, replies from the stream must not move it back.
  var lastIdFromPoll = false;
  var handoffActive = false;
  var polling = false;
  var pollFailures = 0;

  function messagesUrl(after) {
    return base + '/v1/chat/sessions/' + encodeURIComponent(sessionId) + '/messages' + (after ? '?after=' + encodeURIComponent(after) : '');
  }
  /**
   * One poll loop at a time; it ends when the handoff is over (resolved, released, cancelled).
   * `now`: a handoff just started, so fetch the queue position for the header at once.
   */
  function startPolling(now) {
    if (polling) return;
    polling = true;
    setTimeout(poll, now ? 0 : POLL_MS);
  }
  function poll() {
    if (!sessionId) { polling = false; return; }
    fetch(messagesUrl(lastId), { headers: tokenHeaders({}) }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (j) {
        if (res.status === 404) {
          // The message we counted from is unknown (a reply that was never stored): count from
          // the start, `seen` stops anything being shown twice. No session: it expired, stop.
          if (j.error && j.error.code === 'message_not_found' && lastId) { lastId = null; lastIdFromPoll = false; return 'again'; }
          showHandoff(null);
          return 'stop';
        }
        // Not ours to read (no or another token): retrying would not change that.
        if (res.status === 401 || res.status === 403) { showHandoff(null); return 'stop'; }
        if (!res.ok) throw new HttpError(res.status, j.error ? j.error.code : '');
        pollFailures = 0;
        setConn('');
        showMessages(j.messages || [], true);
        showHandoff(j.handoff);
        return handoffActive ? 'next' : 'stop';
      });
    }).catch(function () {
      // Keep trying (agents may answer any moment) but back off, and tell the customer why
      // nothing arrives.
      pollFailures++;
      setConn(navigator.onLine === false ? T.offline : T.reconnecting);
      return 'retry';
    }).then(function (next) {
      if (next === 'stop') { polling = false; return; }
      if (next === 'again') { poll(); return; }
      later(poll, next === 'retry' ? Math.min(30000, POLL_MS * Math.pow(2, pollFailures)) : POLL_MS);
    });
  }

  function showHandoff(h) {
    if (!h) {
      handoffActive = false;
      setStatus('');
      return;
    }
    handoffActive = true;
    if (h.status === 'queued') setStatus(t('queued', { n: Math.max(0, (h.position || 1) - 1), m: h.waitMinutes || 1 }));
    else if (h.status === 'assigned') setStatus(T.assigned);
  }

  /**
   * Messages from the server. `live`: from polling, where the customer's own words and the bot's
   * streamed replies are already on screen, so only agent replies and notices are new.
   */
  function showMessages(list, live) {
    for (var i = 0; i < list.length; i++) {
      var m = list[i];
      lastId = m.id;
      lastIdFromPoll = true;
      if (seen[m.id]) continue;
      seen[m.id] = true;
      // A person joined, wrote or left: buttons offered before (e.g. "cancel the queue") are stale.
      if (live && (m.role === 'agent' || m.role === 'system')) clearQuickReplies();
      if (m.role === 'agent') agentBubble(m.content);
      else if (m.role === 'system') systemNotice(m.content, live);
      else if (!live && m.role === 'user') bubble('kefu-user', m.content);
      else if (!live && m.role === 'assistant' && m.content) bubble('kefu-bot', m.content);
    }
  }
  // Notices are written for the transcript in English; the customer sees them in their language.
  function systemNotice(content, live) {
    var joined = /^agent (.+) joined$/.exec(content);
    if (joined) notice(t('joined', { a: joined[1] }));
    else if (content === 'agent resolved the conversation') {
      notice(T.resolved);
      if (live) offerRating();
    } else if (content === 'agent handed the conversation back to the bot') notice(T.returned);
    else notice(content);
  }

  // ---- history after a reload ----
  function restore(attempt) {
    if (!sessionId) return;
    fetch(messagesUrl(null), { headers: tokenHeaders({}) }).then(function (res) {
      if (res.status === 404 || res.status === 401 || res.status === 403) { forgetSession(); return null; }
      if (!res.ok) throw new HttpError(res.status, '');
      return res.json();
    }).then(function (j) {
      setConn('');
      if (!j) return;
      showMessages(j.messages || [], false);
      showHandoff(j.handoff);
      if (handoffActive) startPolling();
    }).catch(function () {
      // Keep trying (capped backoff, at once when the browser is back online): the customer
      // expects their conversation to be there.
      setConn(navigator.onLine === false ? T.offline : T.reconnecting);
      later(function () { restore(attempt + 1); }, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]);
    });
  }

  // ---- rating: once per conversation, after a goodbye or when the agent resolves ----
  function offerRating() {
    if (!sessionId || getItem('localStorage', KEY_RATED) === sessionId || log.querySelector('.kefu-rating')) return;
    var sid = sessionId;
    var box = el('div', { class: 'kefu-rating', role: 'group', 'aria-label': T.ratePrompt });
    var prompt = el('p', null, T.ratePrompt);
    var stars = el('div', { class: 'kefu-stars' });
    var sending = false;
    for (var n = 1; n <= 5; n++) {
      (function (score) {
        var s = el('button', { type: 'button', class: 'kefu-star', 'data-score': String(score), 'aria-label': t('star', { n: score }), title: t('star', { n: score }) }, '★');
        s.addEventListener('click', function () {
          if (sending) return;
          sending = true;
          fetch(base + '/v1/sessions/' + encodeURIComponent(sid) + '/rating', {
            method: 'POST',
            headers: tokenHeaders({ 'content-type': 'application/json' }),
            body: JSON.stringify({ score: score }),
          }).then(function (res) {
            // 409: rated already (another tab): thank them all the same.
            if (!res.ok && res.status !== 409) throw new HttpError(res.status, '');
            setItem('localStorage', KEY_RATED, sid);
            box.textContent = '';
            box.classList.add('kefu-rated');
            box.appendChild(el('p', null, T.rated));
          }).catch(function () {
            prompt.textContent = T.rateFailed;
          }).then(function () { sending = false; scrollDown(); });
        });
        stars.appendChild(s);
      })(n);
    }
    box.appendChild(prompt);
    box.appendChild(stars);
    log.appendChild(box);
    scrollDown();
  }

  // ---- proactive service: page events; the server decides when to open with a message ----
  var step = STEP_TYPES.indexOf(data.pageType) >= 0 ? data.pageType : null;
  var stepPage = location.pathname;
  var visibleMs = 0;
  var visibleSince = document.visibilityState === 'hidden' ? null : Date.now();
  var eventsOn = true;
  function dwell() { return Math.round(visibleMs + (visibleSince === null ? 0 : Date.now() - visibleSince)); }

  function report(type) {
    if (!eventsOn) return;
    var body = { visitor_id: visitorId, type: type, page: stepPage, dwell_ms: dwell(), lang: lang };
    // Naming a session takes its token, as chat does.
    if (sessionId) { body.session_id = sessionId; if (sessionToken) body.session_token = sessionToken; }
    fetch(base + '/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(function (res) {
      if (res.ok) return res.json();
      return res.json().catch(function () { return null; }).then(function (j) {
        var code = j && j.error ? j.error.code : undefined;
        // The stored session is refused here as it would be in chat: the next message starts a new one.
        if (code === 'session_not_found' || (res.status !== 404 && sessionRefused(res.status, code))) forgetSession();
        else if (res.status === 404) eventsOn = false; // this server has no proactive service
        return null;
      });
    }).then(function (j) {
      if (j && j.open && j.message) openPanel(false, j.message);
    }).catch(function () { /* events are best effort: chat must work without them */ });
  }
  setInterval(function () {
    if (document.visibilityState !== 'hidden') report(step || 'dwell');
  }, DWELL_MS);
  // Dwell counts time the page is actually seen. A hidden or closing page reports nothing: a rule
  // it fired would open a widget nobody sees and use up the visitor's allowance for the day.
  // Coming back reports at once, so a threshold crossed before leaving is acted on immediately.
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') {
      if (visibleSince !== null) visibleMs += Date.now() - visibleSince;
      visibleSince = null;
    } else if (visibleSince === null) {
      visibleSince = Date.now();
      report(step || 'dwell');
    }
  });

  // ---- public API for the shop's pages ----
  window.Kefu = {
    version: 2,
    open: function () { openPanel(true); },
    close: closePanel,
    /** The customer reached a step (cart, checkout, payment): dwell counts from now. */
    track: function (type, page) {
      if (STEP_TYPES.indexOf(type) < 0) return;
      step = type;
      stepPage = page || location.pathname;
      visibleMs = 0;
      visibleSince = document.visibilityState === 'hidden' ? null : Date.now();
      report(type);
    },
  };

  report('page_view');
  restore(0);
  if (getItem('sessionStorage', KEY_OPEN) === '1') openPanel(false);
})();
