// Kefu agent console: log in with an agent key (kept in sessionStorage for this tab only), watch
// the handoff queue, claim a conversation, read the bot's side of it (intent, flow step, model,
// sources, guard decisions), reply, take AI suggestions, resolve or hand back to the bot.
// Plain browser JavaScript, no build step and no third-party code; everything user-supplied is
// put in the page with textContent, never as HTML.
(function () {
  'use strict';

  var POLL_MS = 2000;
  var KEY = 'kefu.console.key';
  var NAME = 'kefu.console.agent';
  var LANG = 'kefu.console.lang';

  var T = {
    zh: {
      title: '客服工作台', logout: '退出', loginTitle: '坐席登录', keyLabel: '坐席密钥', nameLabel: '坐席名称(仅管理员密钥需要)',
      keyHint: '密钥只保存在本标签页中,关闭即清除。', login: '登录', queue: '排队中', assigned: '处理中',
      queueEmpty: '暂无排队的客户', assignedEmpty: '暂无处理中的会话', pickConversation: '从左侧队列接入一个会话',
      back: '← 返回', resolve: '已解决', release: '交还机器人', suggest: 'AI 建议', send: '发送',
      replyPlaceholder: '输入回复,Enter 发送,Shift+Enter 换行', claim: '接入', open: '查看', position: '第 {n} 位',
      waiting: '已等待 {t}', handledBy: '{a} 处理中', you: '(我)', customer: '客户', bot: '机器人', agent: '坐席 {a}',
      sources: '来源', guard: '安全拦截', replaced: '已替换', unanswered: '未答上', fallback: '回退:{r}', flow: '流程 {f}',
      readImage: '图片文字', readAudio: '语音转写', imageNotKept: '图片未保存',
      noSuggestion: '知识库里没有找到合适的建议,请手动回复。', use: '采用', fromKb: '知识库', fromModel: '模型',
      suggestUnavailable: '此服务器未开启 AI 建议。', badKey: '密钥无效或已吊销。', needKey: '请输入密钥。',
      wrongRole: '此密钥没有坐席权限。', needName: '管理员密钥接入时请填写坐席名称。', network: '网络错误,请重试。',
      status_queued: '排队中', status_assigned: '处理中', status_resolved: '已解决', status_returned: '已交还机器人', status_cancelled: '客户已取消',
      resolvedNote: '会话已标记为解决。', releasedNote: '会话已交还机器人。', readOnly: '此会话由 {a} 处理,你只能查看。',
      sec: '{s} 秒', min: '{m} 分 {s} 秒', hour: '{h} 小时 {m} 分', channel: '渠道', user: '用户', urgent: '紧急',
      ev_handoff_claimed: '{a} 接入了会话', ev_handoff_resolved: '坐席标记会话已解决', ev_handoff_returned: '坐席将会话交还机器人',
      reason_user_request: '客户要求转人工', reason_anger: '客户情绪激动', reason_sensitive_topic: '敏感话题', reason_failed_turns: '连续未答上', reason_low_confidence: '知识库没有把握',
    },
    en: {
      title: 'Agent console', logout: 'Log out', loginTitle: 'Agent login', keyLabel: 'Agent key', nameLabel: 'Agent name (admin keys only)',
      keyHint: 'The key is kept in this tab only and cleared when you close it.', login: 'Log in', queue: 'Waiting', assigned: 'In progress',
      queueEmpty: 'No customers waiting', assignedEmpty: 'No conversations in progress', pickConversation: 'Claim a conversation from the queue',
      back: '← Back', resolve: 'Resolve', release: 'Hand back to bot', suggest: 'AI suggest', send: 'Send',
      replyPlaceholder: 'Type a reply. Enter sends, Shift+Enter for a new line', claim: 'Claim', open: 'Open', position: '#{n} in line',
      waiting: 'waiting {t}', handledBy: 'with {a}', you: '(you)', customer: 'Customer', bot: 'Bot', agent: 'Agent {a}',
      sources: 'Sources', guard: 'Guard', replaced: 'replaced', unanswered: 'unanswered', fallback: 'fallback: {r}', flow: 'flow {f}',
      readImage: 'Text in the picture', readAudio: 'Transcript', imageNotKept: 'picture not kept',
      noSuggestion: 'Nothing suitable in the knowledge base; please reply in your own words.', use: 'Use', fromKb: 'Knowledge base', fromModel: 'Model',
      suggestUnavailable: 'Suggestions are not enabled on this server.', badKey: 'Invalid or revoked key.', needKey: 'Enter a key.',
      wrongRole: 'This key may not use the agent console.', needName: 'With an admin key, enter an agent name to claim.', network: 'Network error, please retry.',
      status_queued: 'waiting', status_assigned: 'in progress', status_resolved: 'resolved', status_returned: 'back with the bot', status_cancelled: 'cancelled by the customer',
      resolvedNote: 'Conversation marked as resolved.', releasedNote: 'Conversation handed back to the bot.', readOnly: '{a} is handling this conversation; you can only read it.',
      sec: '{s} s', min: '{m} min {s} s', hour: '{h} h {m} min', channel: 'channel', user: 'user', urgent: 'urgent',
      ev_handoff_claimed: '{a} joined', ev_handoff_resolved: 'The agent resolved the conversation', ev_handoff_returned: 'The agent handed the conversation back to the bot',
      reason_user_request: 'Asked for a person', reason_anger: 'Upset customer', reason_sensitive_topic: 'Sensitive topic', reason_failed_turns: 'Bot missed twice', reason_low_confidence: 'No confident answer',
    },
  };
  var INTENTS = {
    zh: { order_status: '查订单', logistics: '物流', return: '退货', refund: '退款', exchange: '换货', address_change: '改地址', cancel_order: '取消订单', invoice: '发票', price_coupon: '价格优惠', product_question: '商品咨询', payment_problem: '支付问题', complaint: '投诉', human_agent: '转人工', greeting: '问候', goodbye: '告别', chitchat: '闲聊', other: '其他' },
    en: {},
  };
  var EMOTIONS = { zh: { anxious: '焦虑', dissatisfied: '不满', angry: '生气', satisfied: '满意' }, en: {} };

  var lang = localStorage.getItem(LANG) || ((navigator.language || 'zh').toLowerCase().indexOf('zh') === 0 ? 'zh' : 'en');
  var state = { key: sessionStorage.getItem(KEY), me: sessionStorage.getItem(NAME) || '', queued: [], assigned: [], current: null, convSig: '', queueSig: '', timer: null, ticker: null };

  var $ = function (id) { return document.getElementById(id); };
  function t(key, vars) {
    var s = (T[lang] && T[lang][key]) || T.en[key] || key;
    if (vars) Object.keys(vars).forEach(function (k) { s = s.split('{' + k + '}').join(String(vars[k])); });
    return s;
  }
  function intentName(i) { return (INTENTS[lang] && INTENTS[lang][i]) || String(i).replace(/_/g, ' '); }
  function reasonName(r) { var k = 'reason_' + r; return T[lang][k] ? t(k) : String(r).replace(/_/g, ' '); }

  /** Element builder: attributes, then children (strings become text nodes). */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === 'class') node.className = v;
        else if (k === 'text') node.textContent = v;
        else if (k.indexOf('on') === 0) node.addEventListener(k.slice(2), v);
        else node.setAttribute(k, v === true ? '' : v);
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return node;
  }

  function ApiError(status, code, message) { this.status = status; this.code = code; this.message = message; }

  /** Calls the Kefu API with the key; errors become ApiError with the server's code and message. */
  function api(method, path, body) {
    var headers = { authorization: 'Bearer ' + state.key };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .catch(function () { throw new ApiError(0, 'network', t('network')); })
      .then(function (res) {
        return res.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch { data = null; }
          if (!res.ok) {
            var err = data && data.error ? data.error : { code: 'http_' + res.status, message: res.statusText };
            throw new ApiError(res.status, err.code, err.message);
          }
          return data;
        });
      });
  }

  function fmtDuration(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) return t('sec', { s: s });
    var m = Math.floor(s / 60);
    if (m < 60) return t('min', { m: m, s: s % 60 });
    return t('hour', { h: Math.floor(m / 60), m: m % 60 });
  }
  function fmtTime(iso) {
    var d = new Date(iso);
    return d.toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  // ---- language ----
  function applyLang() {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = 'Kefu · ' + t('title');
    document.querySelectorAll('[data-i18n]').forEach(function (n) { n.textContent = t(n.getAttribute('data-i18n')); });
    document.querySelectorAll('[data-i18n-ph]').forEach(function (n) { n.setAttribute('placeholder', t(n.getAttribute('data-i18n-ph'))); });
    $('lang-toggle').textContent = lang === 'zh' ? 'English' : '中文';
    renderQueue();
    state.convSig = '';
    // The header is redrawn at once in the new language; the transcript follows with the refresh.
    if (state.current) {
      renderHead();
      refreshConversation();
    }
  }
  $('lang-toggle').addEventListener('click', function () {
    lang = lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem(LANG, lang);
    applyLang();
  });

  // ---- login ----
  function showLogin(message) {
    stopPolling();
    $('login').hidden = false;
    $('workspace').hidden = true;
    $('logout').hidden = true;
    $('who').textContent = '';
    $('login-error').textContent = message || '';
  }
  function start() {
    $('login').hidden = true;
    $('workspace').hidden = false;
    $('logout').hidden = false;
    $('who').textContent = state.me;
    pollQueue();
    stopPolling();
    state.timer = setInterval(function () { pollQueue(); if (state.current) refreshConversation(); }, POLL_MS);
    state.ticker = setInterval(tickWaits, 1000);
  }
  function stopPolling() {
    if (state.timer) clearInterval(state.timer);
    if (state.ticker) clearInterval(state.ticker);
    state.timer = state.ticker = null;
  }
  function authFailed(err) {
    if (err.status === 401 || err.status === 403) {
      sessionStorage.removeItem(KEY);
      state.key = null;
      showLogin(err.status === 403 && err.code === 'forbidden' && /needs/.test(err.message) ? t('wrongRole') : t('badKey'));
      return true;
    }
    return false;
  }
  $('login-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var key = $('key').value.trim();
    if (!key) { $('login-error').textContent = t('needKey'); return; }
    state.key = key;
    var name = $('agent-name').value.trim();
    if (name) state.me = name;
    $('login-btn').disabled = true;
    api('GET', '/v1/handoffs?status=queued&limit=1').then(function () {
      sessionStorage.setItem(KEY, key);
      if (state.me) sessionStorage.setItem(NAME, state.me);
      $('key').value = '';
      start();
    }).catch(function (err) {
      if (!authFailed(err)) $('login-error').textContent = err.message;
    }).then(function () { $('login-btn').disabled = false; });
  });
  $('logout').addEventListener('click', function () {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(NAME);
    state.key = null;
    state.me = '';
    closeConversation();
    showLogin('');
  });

  // ---- queue ----
  function pollQueue() {
    return Promise.all([api('GET', '/v1/handoffs?status=queued&limit=200'), api('GET', '/v1/handoffs?status=assigned&limit=200')])
      .then(function (r) {
        state.queued = r[0].handoffs;
        state.assigned = r[1].handoffs;
        $('poll-error').textContent = '';
        renderQueue();
      })
      .catch(function (err) { if (!authFailed(err)) $('poll-error').textContent = err.message; });
  }

  function tickWaits() {
    document.querySelectorAll('[data-since]').forEach(function (n) {
      n.textContent = t(n.getAttribute('data-label'), { t: fmtDuration(Date.now() - Date.parse(n.getAttribute('data-since'))) });
    });
  }

  function renderQueue() {
    var q = $('queue');
    var a = $('assigned');
    // Redraw only when something changed, so a button is never replaced under the pointer.
    var sig = JSON.stringify([lang, state.me, state.current && state.current.sessionId, state.queued.map(function (h) { return [h.id, h.position, h.priority]; }), state.assigned.map(function (h) { return [h.id, h.agent]; })]);
    if (sig === state.queueSig) return;
    state.queueSig = sig;
    q.textContent = '';
    a.textContent = '';
    state.queued.forEach(function (h) {
      var urgent = h.priority > 0;
      q.appendChild(el('li', { class: 'item' + (urgent ? ' urgent' : ''), 'data-handoff': h.id, 'data-session': h.session_id },
        el('div', { class: 'row' },
          el('span', { class: 'pos', text: t('position', { n: h.position }) }),
          el('span', { class: 'pill reason', text: reasonName(h.reason) }),
          urgent ? el('span', { class: 'pill urgent', text: t('urgent') }) : null,
          el('span', { class: 'wait', 'data-since': h.created_at, 'data-label': 'waiting', text: t('waiting', { t: fmtDuration(Date.now() - Date.parse(h.created_at)) }) })),
        el('div', { class: 'summary', text: h.summary }),
        el('div', { class: 'item-actions' }, el('button', { type: 'button', class: 'primary claim', text: t('claim'), onclick: function (e) { claim(h, e.currentTarget); } }))));
    });
    state.assigned.forEach(function (h) {
      var mine = state.me && h.agent === state.me;
      var current = state.current && state.current.sessionId === h.session_id;
      a.appendChild(el('li', { class: 'item' + (mine ? ' mine' : '') + (current ? ' current' : ''), 'data-handoff': h.id, 'data-session': h.session_id },
        el('div', { class: 'row' },
          el('span', { class: 'pill status-assigned', text: t('handledBy', { a: h.agent }) + (mine ? ' ' + t('you') : '') }),
          el('span', { class: 'pill reason', text: reasonName(h.reason) })),
        el('div', { class: 'summary', text: h.summary }),
        el('div', { class: 'item-actions' }, el('button', { type: 'button', class: 'open', text: t('open'), onclick: function () { openConversation(h); } }))));
    });
    $('queue-count').textContent = String(state.queued.length);
    $('assigned-count').textContent = String(state.assigned.length);
    $('queue-empty').hidden = state.queued.length > 0;
    $('assigned-empty').hidden = state.assigned.length > 0;
    document.title = (state.queued.length > 0 ? '(' + state.queued.length + ') ' : '') + 'Kefu · ' + t('title');
  }

  function claim(h, button) {
    button.disabled = true;
    var body = state.me ? { agent: state.me } : {};
    api('POST', '/v1/handoffs/' + encodeURIComponent(h.id) + '/claim', body).then(function (claimed) {
      state.me = claimed.agent;
      sessionStorage.setItem(NAME, state.me);
      $('who').textContent = state.me;
      openConversation(claimed);
      pollQueue();
    }).catch(function (err) {
      button.disabled = false;
      if (authFailed(err)) return;
      $('poll-error').textContent = err.code === 'agent_required' ? t('needName') : err.message;
      pollQueue();
    });
  }

  // ---- conversation ----
  function openConversation(h) {
    state.current = { sessionId: h.session_id, handoff: h };
    state.convSig = '';
    $('conv-empty').hidden = true;
    $('conv-main').hidden = false;
    $('workspace').classList.add('conv-open');
    $('transcript').textContent = '';
    $('suggestions').hidden = true;
    $('conv-error').textContent = '';
    $('reply').value = '';
    renderHead();
    renderQueue();
    refreshConversation().then(function () { $('reply').focus(); });
  }
  function closeConversation() {
    state.current = null;
    $('conv-main').hidden = true;
    $('conv-empty').hidden = false;
    $('workspace').classList.remove('conv-open');
    renderQueue();
  }
  $('back').addEventListener('click', closeConversation);

  function editable() {
    var h = state.current && state.current.handoff;
    return Boolean(h && h.status === 'assigned' && (!state.me || h.agent === state.me));
  }

  function renderHead() {
    var cur = state.current;
    if (!cur) return;
    var h = cur.handoff;
    $('conv-title').textContent = cur.sessionId;
    var sub = [];
    if (cur.session) {
      sub.push(t('channel') + ': ' + cur.session.channel);
      if (cur.session.user_id) sub.push(t('user') + ': ' + cur.session.user_id);
    }
    if (h) sub.push(reasonName(h.reason));
    $('conv-sub').textContent = sub.join(' · ');
    var status = $('conv-status');
    status.className = 'pill status-' + (h ? h.status : 'resolved');
    status.textContent = h ? t('status_' + h.status) : '';
    var can = editable();
    $('resolve').disabled = !can;
    $('release').disabled = !can;
    $('send').disabled = !can;
    $('reply').disabled = !can;
    $('suggest').disabled = !can;
    if (h && h.status === 'assigned' && state.me && h.agent !== state.me) $('conv-error').textContent = t('readOnly', { a: h.agent });
  }

  function refreshConversation() {
    var cur = state.current;
    if (!cur) return Promise.resolve();
    var sid = cur.sessionId;
    var handoffReq = cur.handoff ? api('GET', '/v1/handoffs/' + encodeURIComponent(cur.handoff.id)).catch(function () { return cur.handoff; }) : Promise.resolve(null);
    return Promise.all([api('GET', '/v1/sessions/' + encodeURIComponent(sid)), handoffReq]).then(function (r) {
      if (!state.current || state.current.sessionId !== sid) return;
      state.current.session = r[0];
      if (r[1]) state.current.handoff = r[1];
      renderHead();
      renderTranscript(r[0].messages);
    }).catch(function (err) { if (!authFailed(err)) $('conv-error').textContent = err.message; });
  }

  function renderTranscript(messages) {
    var last = messages[messages.length - 1];
    var sig = lang + ':' + messages.length + ':' + (last ? last.id : '');
    if (sig === state.convSig) return;
    state.convSig = sig;
    var list = $('transcript');
    var nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    list.textContent = '';
    messages.forEach(function (m) { list.appendChild(renderMessage(m)); });
    if (nearBottom || list.scrollTop === 0) list.scrollTop = list.scrollHeight;
  }

  function badge(cls, text, title) { return el('span', { class: 'badge ' + cls, text: text, title: title || null }); }

  function renderMessage(m) {
    var meta = m.meta || {};
    if (m.role === 'system') {
      var ev = meta.event ? 'ev_' + meta.event : null;
      var text = ev && T[lang][ev] ? t(ev, { a: meta.agent || '' }) : m.content;
      return el('li', { class: 'msg system', 'data-role': 'system' }, el('div', { class: 'bubble', text: fmtTime(m.created_at) + ' · ' + text }));
    }
    var who = m.role === 'user' ? t('customer') : m.role === 'assistant' ? t('bot') : t('agent', { a: meta.agent || '' });
    var li = el('li', { class: 'msg ' + m.role, 'data-role': m.role, 'data-id': m.id },
      el('div', { class: 'who-line', text: who + ' · ' + fmtTime(m.created_at) }),
      el('div', { class: 'bubble', text: m.content }));
    var badges = el('div', { class: 'badges' });
    if (meta.intent) badges.appendChild(badge('intent', intentName(meta.intent), 'intent: ' + meta.intent));
    if (m.role === 'user' && meta.emotion && meta.emotion.label && meta.emotion.label !== 'neutral') {
      badges.appendChild(badge('emotion', ((EMOTIONS[lang] && EMOTIONS[lang][meta.emotion.label]) || meta.emotion.label) + ' ' + Math.round((meta.emotion.intensity || 0) * 100) + '%'));
    }
    if (meta.flow && meta.flow.name) badges.appendChild(badge('flow', t('flow', { f: meta.flow.name + ' › ' + meta.flow.step })));
    if (meta.model) badges.appendChild(badge('model', meta.model, 'model'));
    if (meta.unanswered === true) badges.appendChild(badge('warn', t('unanswered')));
    if (meta.fallback) badges.appendChild(badge('warn', t('fallback', { r: meta.fallback })));
    if (badges.childNodes.length > 0) li.appendChild(badges);
    if (Array.isArray(meta.sources) && meta.sources.length > 0) {
      var src = el('div', { class: 'sources' }, t('sources') + ': ');
      meta.sources.forEach(function (s, i) { src.appendChild(sourceLink(s, i, li)); });
      li.appendChild(src);
    }
    if (Array.isArray(meta.attachments)) meta.attachments.forEach(function (a) { li.appendChild(renderAttachment(m, a)); });
    if (Array.isArray(meta.guard)) {
      meta.guard.forEach(function (g) {
        li.appendChild(el('div', { class: 'guard', 'data-guard': g.principle },
          '⚠ ' + t('guard') + ': ' + g.principle + ' — ' + (g.action === 'replaced' ? t('replaced') : g.action) + (g.evidence ? ' «' + g.evidence + '»' : '')));
      });
    }
    return li;
  }

  /**
   * What a picture or recording was read as (masked, like the message), and the picture itself
   * when the server keeps pictures (KEFU_IMAGE_RETENTION=on): fetched with the key, shown as a blob.
   */
  function renderAttachment(m, a) {
    var box = el('div', { class: 'attachment', 'data-type': a.type },
      el('div', { class: 'attachment-label', text: (a.type === 'audio' ? '🎤 ' + t('readAudio') : '🖼 ' + t('readImage')) + (a.type === 'image' && !a.fileId ? ' · ' + t('imageNotKept') : '') }),
      el('div', { class: 'attachment-text', text: a.text || '' }));
    if (a.fileId) {
      fetch('/v1/sessions/' + encodeURIComponent(state.current.sessionId) + '/files/' + encodeURIComponent(a.fileId), { headers: { authorization: 'Bearer ' + state.key } })
        .then(function (res) { return res.ok ? res.blob() : null; })
        .then(function (blob) { if (blob) box.insertBefore(el('img', { class: 'attachment-image', src: URL.createObjectURL(blob), alt: t('readImage') }), box.firstChild); })
        .catch(function () {});
    }
    return box;
  }

  /** A source with a URL links to it; otherwise the link shows the cited passage in place. */
  function sourceLink(s, i, li) {
    var label = '[' + (i + 1) + '] ' + s.title;
    if (typeof s.url === 'string' && /^https?:\/\//.test(s.url)) return el('a', { href: s.url, target: '_blank', rel: 'noopener', text: label });
    return el('a', {
      href: '#', text: label, title: s.id,
      onclick: function (e) {
        e.preventDefault();
        var existing = li.querySelector('.passage[data-source="' + CSS.escape(s.id) + '"]');
        if (existing) { existing.remove(); return; }
        fetch('/v1/kb/search?k=10&q=' + encodeURIComponent(s.title)).then(function (r) { return r.json(); }).then(function (data) {
          var hit = (data.results || []).filter(function (p) { return p.id === s.id; })[0] || (data.results || [])[0];
          li.appendChild(el('div', { class: 'passage', 'data-source': s.id, text: hit ? hit.title + ':' + hit.text : s.title }));
        }).catch(function () { /* the title is already shown */ });
      },
    });
  }

  // ---- reply, suggestions, resolve ----
  function send() {
    var cur = state.current;
    var text = $('reply').value.trim();
    if (!cur || !text || !editable()) return;
    $('send').disabled = true;
    var body = { text: text };
    if (state.me) body.agent = state.me;
    api('POST', '/v1/sessions/' + encodeURIComponent(cur.sessionId) + '/agent-messages', body).then(function () {
      $('reply').value = '';
      $('suggestions').hidden = true;
      $('conv-error').textContent = '';
      return refreshConversation();
    }).catch(function (err) { if (!authFailed(err)) $('conv-error').textContent = err.message; })
      .then(function () { $('send').disabled = !editable(); $('reply').focus(); });
  }
  $('reply-form').addEventListener('submit', function (e) { e.preventDefault(); send(); });
  $('reply').addEventListener('keydown', function (e) {
    // isComposing: Enter that picks a Chinese IME candidate must not send.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); send(); }
  });

  $('suggest').addEventListener('click', function () {
    var cur = state.current;
    if (!cur) return;
    var box = $('suggestions');
    $('suggest').disabled = true;
    api('POST', '/v1/sessions/' + encodeURIComponent(cur.sessionId) + '/suggest', {}).then(function (data) {
      box.textContent = '';
      if (!data.suggestions || data.suggestions.length === 0) box.appendChild(el('p', { class: 'empty', text: t('noSuggestion') }));
      (data.suggestions || []).forEach(function (s) {
        box.appendChild(el('div', { class: 'suggestion' },
          el('div', { class: 'suggestion-head' },
            el('span', { class: 'badge ' + (s.source === 'model' ? 'model' : 'intent'), text: s.source === 'model' ? t('fromModel') : t('fromKb') }),
            (s.citations || []).length > 0 ? el('span', { class: 'muted', text: s.citations.map(function (c) { return c.title; }).join(' · ') }) : null),
          el('p', { text: s.text }),
          el('button', { type: 'button', class: 'use', text: t('use'), onclick: function () { insertSuggestion(s.text); } })));
      });
      box.hidden = false;
      $('transcript').scrollTop = $('transcript').scrollHeight;
    }).catch(function (err) {
      if (authFailed(err)) return;
      box.textContent = '';
      box.appendChild(el('p', { class: 'empty', text: err.status === 404 && err.code === 'not_found' ? t('suggestUnavailable') : err.message }));
      box.hidden = false;
    }).then(function () { $('suggest').disabled = !editable(); });
  });
  function insertSuggestion(text) {
    var box = $('reply');
    box.value = text;
    box.focus();
    box.setSelectionRange(text.length, text.length);
  }

  function close(action) {
    var cur = state.current;
    if (!cur || !cur.handoff) return;
    api('POST', '/v1/handoffs/' + encodeURIComponent(cur.handoff.id) + '/' + action, {}).then(function (h) {
      cur.handoff = h;
      $('conv-error').textContent = action === 'resolve' ? t('resolvedNote') : t('releasedNote');
      renderHead();
      refreshConversation();
      pollQueue();
    }).catch(function (err) { if (!authFailed(err)) $('conv-error').textContent = err.message; });
  }
  $('resolve').addEventListener('click', function () { close('resolve'); });
  $('release').addEventListener('click', function () { close('release'); });

  applyLang();
  if (state.key) start();
  else showLogin('');
})();
