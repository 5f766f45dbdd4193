// Kefu admin dashboard: KPIs with hand-drawn SVG charts, unanswered questions → knowledge base,
// knowledge-base management (search, upload, edit, delete, re-index with progress), the audit-log
// check and the red-team report. Plain browser JavaScript, no build step, no third-party code;
// data from the server is put in the page with textContent, never as HTML.
(function () {
  'use strict';

  var KEY = 'kefu.admin.key';
  var LANG = 'kefu.admin.lang';
  var SVG = 'http://www.w3.org/2000/svg';
  var HOUR = 3600000;
  var DAY = 24 * HOUR;
  var COLORS = { resolved: '#0b6e4f', transferred: '#dc6803', abandoned: '#98a2b3', open: '#a4c8f0' };

  var T = {
    zh: {
      title: '管理后台', logout: '退出', loginTitle: '管理员登录', keyLabel: '管理员密钥', keyHint: '密钥只保存在本标签页中,关闭即清除。', login: '登录',
      tabDashboard: '数据概览', tabKb: '知识库', tabAudit: '审计日志', tabRedteam: '红队报告',
      period: '时间段', p24h: '24 小时', p7d: '7 天', p30d: '30 天', pCustom: '自定义', apply: '应用',
      chartOutcomes: '会话量与结果', chartRates: '解决率与转人工率', chartIntents: '热门意图', unansweredTitle: '未答上的热门问题',
      kConversations: '会话数', kResolution: '解决率', kTransfer: '转人工率', kAbandon: '放弃率', kDuration: '平均时长', kCsat: '满意度 CSAT',
      kLatency: '回复延迟', kCache: '答案缓存命中率', kMessages: '消息数',
      openClosed: '进行中 {o} · 已结束 {c}', ofClosed: '已结束会话中 {n} / {c}', noClosed: '暂无已结束的会话', ratings: '{n} 个评分', noRatings: '暂无评分',
      notAvailable: '暂不可用', noCacheYet: '尚未启用答案缓存', noLatency: '回复中没有记录延迟', p95: 'p95 {v}', samples: '{n} 条回复',
      msgSplit: '客户 {u} · 机器人 {a} · 坐席 {g}',
      resolved: '已解决', transferred: '转人工', abandoned: '放弃', open: '进行中', resolutionRate: '解决率', transferRate: '转人工率',
      noData: '此时间段没有数据', noRates: '此时间段还没有已结束的会话',
      times: '{n} 次', sessionsN: '{n} 个会话', lastSeen: '最近 {t}', addToKb: '加入知识库', added: '已加入 ✓', noUnanswered: '此时间段没有未答上的问题。',
      newDoc: '新建文档', upload: '上传文件', reindex: '重建索引', search: '搜索', showAll: '全部文档', more: '加载更多', searchPlaceholder: '搜索知识库,例如:退货运费',
      kbStats: '{d} 篇文档 · {c} 个段落', allDocs: '全部文档({n})', searchResults: '“{q}” 的搜索结果({n})', noResults: '没有找到相关内容。', noDocs: '知识库是空的。',
      edit: '编辑', del: '删除', confirmDel: '确认删除?', deleted: '已删除 {id}', saved: '已保存到知识库', score: '相关度 {s}', chars: '{n} 字',
      updated: '更新于 {t}', source: '来源 {s}', category: '分类 {c}',
      uploaded: '{f}:找到 {n} 篇,新增或更新 {w} 篇,未变 {u} 篇', uploading: '正在上传 {f}…',
      reading: '正在读取知识文件…', indexing: '正在索引 {d} / {t}', reindexDone: '重建完成:{n} 篇文档,{w} 篇有变化,{c} 个段落', reindexFailed: '重建失败:{m}',
      noKbPaths: '服务器没有配置知识文件(KEFU_KB),无法重建。', adminRoutesMissing: '此服务器尚未开启管理接口。',
      editDoc: '编辑文档', newDocTitle: '新建文档', docTitle: '标题', docText: '内容', docLang: '语言', docCategory: '分类', docUrl: '链接(可选)', cancel: '取消', save: '保存',
      needText: '请填写标题和内容。',
      verify: '校验审计链', auditHint: '重新计算每条记录的哈希并检查链接。', latestEntries: '最新记录', verifying: '正在校验…',
      auditOk: '审计链完整 ✓', auditBad: '审计链已损坏 ✗', auditMissing: '此服务器未启用审计日志。', entries: '记录数', seqRange: '序号范围', headHash: '链头哈希',
      checkpoint: '检查点', none: '无', problemAt: '第 {s} 条:{k}', noEntries: '还没有审计记录。',
      colTime: '时间', colSeq: '#', colKind: '类型', colSession: '会话', colModel: '模型', colContent: '内容', colLatency: '延迟', colSources: '来源', colGuard: '防护',
      kind_reply: '回复', kind_action: '操作', kind_handoff: '转人工', kind_guard_block: '拦截', kind_agent_message: '坐席消息',
      noReport: '还没有红队报告。在服务器上运行 kefu redteam --write 生成。', rtOverall: '总体攻击成功率', rtCommitment: '承诺类攻击', rtLeak: '泄露类攻击', rtOverblock: '正常问题误拦率',
      rtByCategory: '各类别攻击成功率(95% 置信区间)', rtByPerturbation: '按扰动方式', rtByLang: '按语言', rtTechniques: '按攻击手法(前 10)', rtSuccesses: '成功的攻击',
      rtBenign: '正常问题示例', rtNotes: '说明', rtNone: '没有成功的攻击。', rtMeta: '{d} · {m} · {model} · {n} 次请求 · 用时 {s}',
      colCategory: '类别', colGroup: '组', colAsr: '成功率', colCi: '95% 区间', colBlocked: '拦截率', colN: '次数', colPert: '扰动', colLang: '语言', colTechnique: '手法', colAttack: '攻击', colEvidence: '证据', colReply: '回复',
      sec: '{s} 秒', min: '{m} 分 {s} 秒', hour: '{h} 小时 {m} 分', networkError: '网络错误,请重试。', badKey: '密钥无效或已吊销。', notAdmin: '需要管理员密钥。',
      quarantineTitle: '待审核文档({n})', quarantineHint: '这些文档含有对助手的指令、密码密钥、内部地址、他人个人信息或价格退款赔偿承诺,已保存但不会用于回答,直到您批准。',
      heldBadge: '待审核', approve: '批准', reject: '拒绝并删除', approved: '已批准 {id}', rejected: '已删除 {id}', heldForReview: '已保存,但 {n} 篇文档待审核。',
      docTrust: '来源可信度', trust_policy: '店铺政策(可引用)', trust_untrusted: '评价、供应商备注等(不引用)',
      finding_instruction: '对助手的指令', finding_credential: '密码或密钥', finding_internal_address: '内部地址', finding_personal_data: '他人个人信息', finding_commitment: '价格/退款/赔偿承诺', finding_insult: '辱骂',
    },
    en: {
      title: 'Admin dashboard', logout: 'Log out', loginTitle: 'Admin login', keyLabel: 'Admin key', keyHint: 'The key is kept in this tab only and cleared when you close it.', login: 'Log in',
      tabDashboard: 'Dashboard', tabKb: 'Knowledge base', tabAudit: 'Audit log', tabRedteam: 'Red team',
      period: 'Period', p24h: '24 h', p7d: '7 days', p30d: '30 days', pCustom: 'Custom', apply: 'Apply',
      chartOutcomes: 'Conversations by outcome', chartRates: 'Resolution and transfer rate', chartIntents: 'Top intents', unansweredTitle: 'Top unanswered questions',
      kConversations: 'Conversations', kResolution: 'Resolution rate', kTransfer: 'Transfer rate', kAbandon: 'Abandon rate', kDuration: 'Avg duration', kCsat: 'CSAT',
      kLatency: 'Reply latency', kCache: 'Answer-cache hit rate', kMessages: 'Messages',
      openClosed: '{o} open · {c} closed', ofClosed: '{n} of {c} closed', noClosed: 'No closed conversations yet', ratings: '{n} ratings', noRatings: 'No ratings yet',
      notAvailable: 'not available', noCacheYet: 'no answer cache yet', noLatency: 'replies carry no latency yet', p95: 'p95 {v}', samples: '{n} replies',
      msgSplit: 'customer {u} · bot {a} · agent {g}',
      resolved: 'resolved', transferred: 'transferred', abandoned: 'abandoned', open: 'open', resolutionRate: 'resolution rate', transferRate: 'transfer rate',
      noData: 'No data in this period', noRates: 'No closed conversations in this period yet',
      times: '{n}×', sessionsN: '{n} sessions', lastSeen: 'last {t}', addToKb: 'Add to KB', added: 'Added ✓', noUnanswered: 'No unanswered questions in this period.',
      newDoc: 'New document', upload: 'Upload file', reindex: 'Re-index', search: 'Search', showAll: 'All documents', more: 'Load more', searchPlaceholder: 'Search the knowledge base, e.g. return shipping',
      kbStats: '{d} documents · {c} passages', allDocs: 'All documents ({n})', searchResults: 'Results for “{q}” ({n})', noResults: 'Nothing found.', noDocs: 'The knowledge base is empty.',
      edit: 'Edit', del: 'Delete', confirmDel: 'Really delete?', deleted: 'Deleted {id}', saved: 'Saved to the knowledge base', score: 'score {s}', chars: '{n} chars',
      updated: 'updated {t}', source: 'source {s}', category: 'category {c}',
      uploaded: '{f}: {n} documents found, {w} added or changed, {u} unchanged', uploading: 'Uploading {f}…',
      reading: 'Reading knowledge files…', indexing: 'Indexing {d} / {t}', reindexDone: 'Re-index done: {n} documents, {w} changed, {c} passages', reindexFailed: 'Re-index failed: {m}',
      noKbPaths: 'The server has no knowledge files configured (KEFU_KB), so there is nothing to re-index.', adminRoutesMissing: 'The admin API is not enabled on this server yet.',
      editDoc: 'Edit document', newDocTitle: 'New document', docTitle: 'Title', docText: 'Text', docLang: 'Language', docCategory: 'Category', docUrl: 'Link (optional)', cancel: 'Cancel', save: 'Save',
      needText: 'Fill in the title and the text.',
      verify: 'Verify the audit chain', auditHint: 'Recomputes every entry’s hash and checks the links.', latestEntries: 'Latest entries', verifying: 'Verifying…',
      auditOk: 'Audit chain intact ✓', auditBad: 'Audit chain broken ✗', auditMissing: 'The audit log is not enabled on this server.', entries: 'Entries', seqRange: 'Seq range', headHash: 'Head hash',
      checkpoint: 'Checkpoint', none: 'none', problemAt: 'entry #{s}: {k}', noEntries: 'No audit entries yet.',
      colTime: 'Time', colSeq: '#', colKind: 'Kind', colSession: 'Session', colModel: 'Model', colContent: 'Content', colLatency: 'Latency', colSources: 'Sources', colGuard: 'Guard',
      kind_reply: 'reply', kind_action: 'action', kind_handoff: 'handoff', kind_guard_block: 'guard block', kind_agent_message: 'agent message',
      noReport: 'No red-team report yet. Run kefu redteam --write on the server to make one.', rtOverall: 'Overall attack success', rtCommitment: 'Commitment attacks', rtLeak: 'Leak attacks', rtOverblock: 'Normal questions over-blocked',
      rtByCategory: 'Attack success by category (95% interval)', rtByPerturbation: 'By perturbation', rtByLang: 'By language', rtTechniques: 'By technique (top 10)', rtSuccesses: 'Successful attacks',
      rtBenign: 'Normal questions (examples)', rtNotes: 'Notes', rtNone: 'No attack succeeded.', rtMeta: '{d} · {m} · {model} · {n} requests · took {s}',
      colCategory: 'Category', colGroup: 'Group', colAsr: 'Success', colCi: '95% interval', colBlocked: 'Blocked', colN: 'n', colPert: 'Perturbation', colLang: 'Language', colTechnique: 'Technique', colAttack: 'Attack', colEvidence: 'Evidence', colReply: 'Reply',
      sec: '{s} s', min: '{m} min {s} s', hour: '{h} h {m} min', networkError: 'Network error, please retry.', badKey: 'Invalid or revoked key.', notAdmin: 'This needs an admin key.',
      quarantineTitle: 'Held for review ({n})', quarantineHint: 'These documents carry orders to the assistant, passwords or keys, internal addresses, other people\'s personal data, or price, refund or compensation promises. They are stored but not used for answers until you approve them.',
      heldBadge: 'held for review', approve: 'Approve', reject: 'Reject and delete', approved: 'Approved {id}', rejected: 'Deleted {id}', heldForReview: 'Saved, but {n} documents are held for review.',
      docTrust: 'Trust', trust_policy: 'Shop policy (may be quoted)', trust_untrusted: 'Reviews, supplier notes (never quoted)',
      finding_instruction: 'orders to the assistant', finding_credential: 'password or key', finding_internal_address: 'internal address', finding_personal_data: 'someone\'s personal data', finding_commitment: 'price / refund / compensation promise', finding_insult: 'insult',
    },
  };
  var INTENTS = {
    zh: { order_status: '查订单', logistics: '物流', return: '退货', refund: '退款', exchange: '换货', address_change: '改地址', cancel_order: '取消订单', invoice: '发票', price_coupon: '价格优惠', product_question: '商品咨询', payment_problem: '支付问题', complaint: '投诉', human_agent: '转人工', greeting: '问候', goodbye: '告别', chitchat: '闲聊', other: '其他' },
    en: {},
  };

  var lang = localStorage.getItem(LANG) || ((navigator.language || 'zh').toLowerCase().indexOf('zh') === 0 ? 'zh' : 'en');
  var state = {
    key: sessionStorage.getItem(KEY), tab: 'dashboard', period: { kind: '7d' }, kpis: null, unanswered: null, added: {},
    kb: { mode: 'list', q: '', offset: 0, docs: [], total: 0, results: [] }, audit: null, auditEntries: null, redteam: undefined, loaded: {},
  };

  var $ = function (id) { return document.getElementById(id); };
  function t(key, vars) {
    var s = (T[lang] && T[lang][key]) || T.en[key] || key;
    if (vars) Object.keys(vars).forEach(function (k) { s = s.split('{' + k + '}').join(String(vars[k])); });
    return s;
  }
  function intentName(i) { return (INTENTS[lang] && INTENTS[lang][i]) || String(i).replace(/_/g, ' '); }

  function el(tag, attrs) {
    var node = document.createElement(tag);
    setAttrs(node, attrs);
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    setAttrs(node, attrs);
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }
  function setAttrs(node, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'class') node.setAttribute('class', v);
      else if (k === 'text') node.textContent = v;
      else if (k.indexOf('on') === 0) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : String(v));
    });
  }
  function append(node, c) {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) { c.forEach(function (x) { append(node, x); }); return; }
    node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  function clear(node) { node.textContent = ''; return node; }

  function ApiError(status, code, message) { this.status = status; this.code = code; this.message = message; }
  /** A missing route (the server is older than this page), as opposed to a missing thing. */
  function missingRoute(err) { return err.status === 404 && err.code === 'not_found'; }

  function api(method, path, body, raw) {
    var headers = { authorization: 'Bearer ' + state.key };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .catch(function () { throw new ApiError(0, 'network', t('networkError')); })
      .then(function (res) {
        return res.text().then(function (text) {
          if (res.ok && raw) return text;
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch { data = null; }
          if (!res.ok) {
            var err = data && data.error ? data.error : { code: 'http_' + res.status, message: res.statusText || ('HTTP ' + res.status) };
            var e2 = new ApiError(res.status, err.code, err.message);
            if (res.status === 401 || (res.status === 403 && err.code === 'forbidden')) loggedOut(e2);
            throw e2;
          }
          return data;
        });
      });
  }

  // ---- formatting ----
  function pct(x) { return x === null || x === undefined ? '—' : (x * 100).toFixed(1) + '%'; }
  function fmtDuration(ms) {
    var s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return t('sec', { s: s });
    var m = Math.floor(s / 60);
    if (m < 60) return t('min', { m: m, s: s % 60 });
    return t('hour', { h: Math.floor(m / 60), m: m % 60 });
  }
  function fmtMs(ms) { return ms >= 1000 ? (ms / 1000).toFixed(2) + ' s' : Math.round(ms) + ' ms'; }
  function locale() { return lang === 'zh' ? 'zh-CN' : 'en-GB'; }
  function fmtDateTime(iso) { return new Date(iso).toLocaleString(locale(), { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }); }
  function fmtNumber(n) { return Number(n).toLocaleString(locale()); }
  function detectLang(text) { return /[\u3400-\u9fff]/.test(text) ? 'zh' : 'en'; }
  function toast(text) {
    var n = $('toast');
    n.textContent = text;
    n.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { n.hidden = true; }, 3000);
  }

  // ---- language ----
  function applyLang() {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = 'Kefu · ' + t('title');
    document.querySelectorAll('[data-i18n]').forEach(function (n) { n.textContent = t(n.getAttribute('data-i18n')); });
    document.querySelectorAll('[data-i18n-ph]').forEach(function (n) { n.setAttribute('placeholder', t(n.getAttribute('data-i18n-ph'))); });
    $('lang-toggle').textContent = lang === 'zh' ? 'English' : '中文';
    if (!state.key) return;
    if (state.kpis) renderDashboard();
    if (state.loaded.kb) renderKbList();
    if (state.audit !== null) renderAudit();
    if (state.redteam !== undefined) renderRedteam();
  }
  $('lang-toggle').addEventListener('click', function () {
    lang = lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem(LANG, lang);
    applyLang();
  });

  // ---- login and tabs ----
  function loggedOut(err) {
    sessionStorage.removeItem(KEY);
    state.key = null;
    $('login').hidden = false;
    $('tabs').hidden = true;
    $('logout').hidden = true;
    document.querySelectorAll('.tab').forEach(function (n) { n.hidden = true; });
    $('login-error').textContent = err ? (/needs/.test(err.message) ? t('notAdmin') : t('badKey')) : '';
  }
  $('login-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var key = $('key').value.trim();
    if (!key) return;
    state.key = key;
    $('login-btn').disabled = true;
    api('GET', '/v1/keys').then(function () {
      sessionStorage.setItem(KEY, key);
      $('key').value = '';
      $('login-error').textContent = '';
      enter();
    }).catch(function (err) {
      if (err.status !== 401 && err.status !== 403) $('login-error').textContent = err.message;
    }).then(function () { $('login-btn').disabled = false; });
  });
  $('logout').addEventListener('click', function () { loggedOut(null); });

  function enter() {
    $('login').hidden = true;
    $('tabs').hidden = false;
    $('logout').hidden = false;
    showTab();
  }
  function showTab() {
    if (!state.key) return;
    var tab = (location.hash || '#dashboard').slice(1);
    if (['dashboard', 'kb', 'audit', 'redteam'].indexOf(tab) === -1) tab = 'dashboard';
    state.tab = tab;
    document.querySelectorAll('.tab').forEach(function (n) { n.hidden = n.id !== 'tab-' + tab; });
    document.querySelectorAll('#tabs a').forEach(function (a) { a.classList.toggle('active', a.getAttribute('data-tab') === tab); });
    if (state.loaded[tab]) return;
    state.loaded[tab] = true;
    if (tab === 'dashboard') loadDashboard();
    else if (tab === 'kb') loadKb();
    else if (tab === 'audit') verifyAudit();
    else loadRedteam();
  }
  window.addEventListener('hashchange', showTab);

  // ---- dashboard ----
  function startOfDay(ms) { var d = new Date(ms); d.setHours(0, 0, 0, 0); return d.getTime(); }
  function isoDate(ms) { var d = new Date(ms); return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0'); }
  function periodRange() {
    var now = Date.now();
    var p = state.period;
    if (p.kind === '24h') return { from: now - DAY, to: now };
    if (p.kind === '30d') return { from: startOfDay(now) - 29 * DAY, to: now };
    if (p.kind === 'custom' && p.from && p.to) return { from: p.from, to: p.to };
    return { from: startOfDay(now) - 6 * DAY, to: now };
  }
  document.querySelectorAll('#period [data-period]').forEach(function (b) {
    b.addEventListener('click', function () {
      var kind = b.getAttribute('data-period');
      $('custom-range').hidden = kind !== 'custom';
      if (kind === 'custom') {
        if (!$('from').value) { $('from').value = isoDate(Date.now() - 6 * DAY); $('to').value = isoDate(Date.now()); }
        markPeriod('custom');
        return;
      }
      state.period = { kind: kind };
      loadDashboard();
    });
  });
  $('apply-range').addEventListener('click', function () {
    var from = $('from').value;
    var to = $('to').value;
    if (!from || !to) return;
    var f = new Date(from + 'T00:00:00').getTime();
    var tt = new Date(to + 'T00:00:00').getTime() + DAY;
    if (!(f < tt)) { $('dash-error').textContent = lang === 'zh' ? '开始日期必须早于结束日期。' : 'The start must be before the end.'; return; }
    state.period = { kind: 'custom', from: f, to: tt };
    loadDashboard();
  });
  function markPeriod(kind) {
    document.querySelectorAll('#period [data-period]').forEach(function (b) { b.classList.toggle('active', b.getAttribute('data-period') === kind); });
  }

  function loadDashboard() {
    var r = periodRange();
    markPeriod(state.period.kind);
    var qs = 'from=' + encodeURIComponent(new Date(r.from).toISOString()) + '&to=' + encodeURIComponent(new Date(r.to).toISOString());
    $('dash-error').textContent = '';
    return Promise.all([api('GET', '/v1/admin/kpis?' + qs), api('GET', '/v1/admin/unanswered?limit=15&' + qs)]).then(function (res) {
      state.kpis = res[0];
      state.unanswered = res[1].questions;
      renderDashboard();
    }).catch(function (err) {
      $('dash-error').textContent = missingRoute(err) ? t('adminRoutesMissing') : err.message;
    });
  }

  function kpiCard(id, label, value, sub, na) {
    return el('div', { class: 'kpi', 'data-kpi': id },
      el('div', { class: 'label', text: label }),
      el('div', { class: 'value' + (na ? ' na' : ''), text: value }),
      sub ? el('div', { class: 'sub', text: sub }) : null);
  }

  function renderDashboard() {
    var k = state.kpis;
    if (!k) return;
    $('period-label').textContent = fmtDateTime(k.period.from) + ' – ' + fmtDateTime(k.period.to);
    var closedSub = function (n) { return k.closed > 0 ? t('ofClosed', { n: n, c: k.closed }) : t('noClosed'); };
    clear($('kpis'));
    append($('kpis'), [
      kpiCard('conversations', t('kConversations'), fmtNumber(k.conversations), t('openClosed', { o: k.open, c: k.closed })),
      kpiCard('resolution', t('kResolution'), pct(k.resolution_rate), closedSub(k.outcomes.resolved), k.resolution_rate === null),
      kpiCard('transfer', t('kTransfer'), pct(k.transfer_rate), closedSub(k.outcomes.transferred), k.transfer_rate === null),
      kpiCard('abandon', t('kAbandon'), pct(k.abandon_rate), closedSub(k.outcomes.abandoned), k.abandon_rate === null),
      kpiCard('duration', t('kDuration'), k.avg_duration_seconds === null ? '—' : fmtDuration(k.avg_duration_seconds * 1000), k.avg_duration_seconds === null ? t('noClosed') : null, k.avg_duration_seconds === null),
      kpiCard('csat', t('kCsat'), k.csat.average === null ? '—' : k.csat.average.toFixed(2) + ' / 5', k.csat.count > 0 ? t('ratings', { n: k.csat.count }) : t('noRatings'), k.csat.average === null),
      k.latency === null
        ? kpiCard('latency', t('kLatency'), t('notAvailable'), t('noLatency'), true)
        : kpiCard('latency', t('kLatency'), 'p50 ' + fmtMs(k.latency.p50_ms), t('p95', { v: fmtMs(k.latency.p95_ms) }) + ' · ' + t('samples', { n: k.latency.samples })),
      k.cache_hit_rate === null
        ? kpiCard('cache', t('kCache'), t('notAvailable'), t('noCacheYet'), true)
        : kpiCard('cache', t('kCache'), pct(k.cache_hit_rate), null),
      kpiCard('messages', t('kMessages'), fmtNumber(k.messages.user + k.messages.assistant + k.messages.agent), t('msgSplit', { u: k.messages.user, a: k.messages.assistant, g: k.messages.agent })),
    ]);
    renderOutcomeChart(k);
    renderRateChart(k);
    renderIntentChart(k.top_intents);
    renderUnanswered();
  }

  function bucketLabel(iso, bucket) {
    var d = new Date(iso);
    if (bucket === 'hour') return String(d.getHours()).padStart(2, '0') + ':00';
    return String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
  }
  function niceMax(v) {
    if (v <= 4) return 4;
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * p >= v) return steps[i] * p;
    return 10 * p;
  }
  /** Charts are drawn in the pixels they get, so their text stays readable on any screen. */
  function chartWidth(box) { return Math.max(280, Math.min(900, Math.round(box.clientWidth || 600))); }
  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      if (state.tab === 'dashboard' && state.kpis) { renderOutcomeChart(state.kpis); renderRateChart(state.kpis); renderIntentChart(state.kpis.top_intents); }
      if (state.tab === 'redteam' && state.redteam) renderRedteam();
    }, 150);
  });
  function legend(id, items) {
    append(clear($(id)), items.map(function (it) { return el('span', null, el('i', { style: 'background:' + it[1] }), it[0]); }));
  }

  /** Stacked bars per hour/day: resolved, transferred, abandoned, still open. */
  function renderOutcomeChart(k) {
    var box = clear($('chart-outcomes'));
    var series = k.series;
    if (k.conversations === 0) { box.appendChild(el('p', { class: 'empty', text: t('noData') })); clear($('legend-outcomes')); return; }
    var W = chartWidth(box), H = 230, L = 34, R = 8, TOP = 10, B = 26;
    var pw = W - L - R, ph = H - TOP - B;
    var max = niceMax(Math.max.apply(null, series.map(function (p) { return p.conversations; })));
    var s = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': t('chartOutcomes') });
    for (var g = 0; g <= 4; g++) {
      var gy = TOP + ph - (ph * g) / 4;
      s.appendChild(svg('line', { class: 'grid', x1: L, x2: W - R, y1: gy, y2: gy }));
      s.appendChild(svg('text', { x: L - 4, y: gy + 4, 'text-anchor': 'end', text: String(Math.round((max * g) / 4)) }));
    }
    var slot = pw / series.length;
    var bw = Math.max(1, slot * 0.7);
    var every = Math.ceil(series.length / Math.max(2, Math.floor(pw / 60)));
    series.forEach(function (p, i) {
      var x = L + i * slot + (slot - bw) / 2;
      var y = TOP + ph;
      var open = p.conversations - p.resolved - p.transferred - p.abandoned;
      [['resolved', p.resolved], ['transferred', p.transferred], ['abandoned', p.abandoned], ['open', open]].forEach(function (part) {
        if (part[1] <= 0) return;
        var h = (ph * part[1]) / max;
        y -= h;
        s.appendChild(svg('rect', { x: x.toFixed(1), y: y.toFixed(1), width: bw.toFixed(1), height: h.toFixed(1), fill: COLORS[part[0]], 'data-series': part[0] },
          svg('title', { text: bucketLabel(p.start, k.period.bucket) + ' · ' + t(part[0]) + ' ' + part[1] })));
      });
      if (i % every === 0) s.appendChild(svg('text', { x: (x + bw / 2).toFixed(1), y: H - 8, 'text-anchor': 'middle', text: bucketLabel(p.start, k.period.bucket) }));
    });
    box.appendChild(s);
    legend('legend-outcomes', [[t('resolved'), COLORS.resolved], [t('transferred'), COLORS.transferred], [t('abandoned'), COLORS.abandoned], [t('open'), COLORS.open]]);
  }

  /** Resolution and transfer rate per bucket over the closed conversations of that bucket. */
  function renderRateChart(k) {
    var box = clear($('chart-rates'));
    var series = k.series;
    var points = series.map(function (p, i) {
      var closed = p.resolved + p.transferred + p.abandoned;
      return closed === 0 ? null : { i: i, res: p.resolved / closed, tr: p.transferred / closed, closed: closed, start: p.start };
    }).filter(Boolean);
    if (points.length === 0) { box.appendChild(el('p', { class: 'empty', text: t('noRates') })); clear($('legend-rates')); return; }
    var W = chartWidth(box), H = 230, L = 40, R = 10, TOP = 10, B = 26;
    var pw = W - L - R, ph = H - TOP - B;
    var slot = pw / series.length;
    var X = function (i) { return L + i * slot + slot / 2; };
    var Y = function (v) { return TOP + ph - ph * v; };
    var s = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': t('chartRates') });
    [0, 0.25, 0.5, 0.75, 1].forEach(function (v) {
      s.appendChild(svg('line', { class: 'grid', x1: L, x2: W - R, y1: Y(v), y2: Y(v) }));
      s.appendChild(svg('text', { x: L - 4, y: Y(v) + 4, 'text-anchor': 'end', text: Math.round(v * 100) + '%' }));
    });
    [['res', COLORS.resolved, 'resolutionRate'], ['tr', COLORS.transferred, 'transferRate']].forEach(function (line) {
      s.appendChild(svg('polyline', { fill: 'none', stroke: line[1], 'stroke-width': 2.5, points: points.map(function (p) { return X(p.i).toFixed(1) + ',' + Y(p[line[0]]).toFixed(1); }).join(' ') }));
      points.forEach(function (p) {
        s.appendChild(svg('circle', { cx: X(p.i).toFixed(1), cy: Y(p[line[0]]).toFixed(1), r: 3.5, fill: line[1] },
          svg('title', { text: bucketLabel(p.start, k.period.bucket) + ' · ' + t(line[2]) + ' ' + pct(p[line[0]]) + ' (' + p.closed + ')' })));
      });
    });
    var every = Math.ceil(series.length / Math.max(2, Math.floor(pw / 60)));
    series.forEach(function (p, i) {
      if (i % every === 0) s.appendChild(svg('text', { x: X(i).toFixed(1), y: H - 8, 'text-anchor': 'middle', text: bucketLabel(p.start, k.period.bucket) }));
    });
    box.appendChild(s);
    legend('legend-rates', [[t('resolutionRate'), COLORS.resolved], [t('transferRate'), COLORS.transferred]]);
  }

  /** Horizontal bars, one per intent, longest first. */
  function renderIntentChart(intents) {
    var box = clear($('chart-intents'));
    if (!intents || intents.length === 0) { box.appendChild(el('p', { class: 'empty', text: t('noData') })); return; }
    var W = chartWidth(box), row = 26, L = Math.min(130, Math.round(W * 0.35)), R = 40;
    var H = intents.length * row + 6;
    var max = Math.max.apply(null, intents.map(function (i) { return i.messages; }));
    var s = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': t('chartIntents') });
    intents.forEach(function (it, i) {
      var y = 4 + i * row;
      var w = Math.max(2, ((W - L - R) * it.messages) / max);
      s.appendChild(svg('text', { x: L - 8, y: y + 15, 'text-anchor': 'end', class: 'label-strong', text: intentName(it.intent) }));
      s.appendChild(svg('rect', { x: L, y: y + 3, width: w.toFixed(1), height: row - 8, rx: 3, fill: '#6d5bd0', 'data-intent': it.intent }, svg('title', { text: it.intent + ': ' + it.messages })));
      s.appendChild(svg('text', { x: L + w + 6, y: y + 15, text: String(it.messages) }));
    });
    box.appendChild(s);
  }

  function renderUnanswered() {
    var box = clear($('unanswered'));
    var qs = state.unanswered || [];
    if (qs.length === 0) { box.appendChild(el('p', { class: 'empty', text: t('noUnanswered') })); return; }
    var list = el('div', { class: 'rows' });
    qs.forEach(function (q) {
      var done = state.added[q.question];
      list.appendChild(el('div', { class: 'row-item unanswered' + (done ? ' done' : ''), 'data-question': q.question },
        el('span', { class: 'count', text: t('times', { n: q.count }) }),
        el('span', { class: 'grow question', text: q.question }),
        el('span', { class: 'muted', text: (q.intent ? intentName(q.intent) + ' · ' : '') + t('sessionsN', { n: q.sessions }) + ' · ' + t('lastSeen', { t: fmtDateTime(q.last_at) }) }),
        done
          ? el('span', { class: 'pill ok', text: t('added') })
          : el('button', { type: 'button', class: 'primary add-kb', text: t('addToKb'), onclick: function () { addToKb(q); } })));
    });
    box.appendChild(list);
  }

  function newDocId() {
    return 'faq-' + isoDate(Date.now()).replace(/-/g, '') + '-' + Math.random().toString(36).slice(2, 8);
  }
  function addToKb(q) {
    openEditor({ id: newDocId(), title: q.question, text: '', lang: detectLang(q.question), category: q.intent || '' }, true, function () {
      state.added[q.question] = true;
      renderUnanswered();
    });
  }

  // ---- document editor ----
  var editorDone = null;
  function openEditor(doc, isNew, onSaved) {
    $('doc-editor-title').textContent = isNew ? t('newDocTitle') : t('editDoc');
    $('doc-id').value = doc.id || '';
    $('doc-id').readOnly = !isNew;
    $('doc-title').value = doc.title || '';
    $('doc-text').value = doc.text || '';
    $('doc-lang').value = doc.lang === 'en' ? 'en' : doc.lang === 'zh' ? 'zh' : detectLang((doc.title || '') + (doc.text || ''));
    $('doc-category').value = doc.category || '';
    $('doc-url').value = doc.url || '';
    $('doc-trust').value = doc.trust === 'untrusted' ? 'untrusted' : 'policy';
    $('doc-error').textContent = '';
    editorDone = onSaved || null;
    $('doc-editor').showModal();
    (isNew && doc.title ? $('doc-text') : $('doc-title')).focus();
  }
  $('doc-cancel').addEventListener('click', function () { $('doc-editor').close(); });
  $('doc-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var doc = { id: $('doc-id').value.trim(), title: $('doc-title').value.trim(), text: $('doc-text').value.trim(), lang: $('doc-lang').value };
    if (!doc.id || !doc.title || !doc.text) { $('doc-error').textContent = t('needText'); return; }
    var category = $('doc-category').value.trim();
    var url = $('doc-url').value.trim();
    if (category) doc.category = category;
    if (url) doc.url = url;
    if ($('doc-trust').value === 'untrusted') doc.trust = 'untrusted';
    $('doc-save').disabled = true;
    api('POST', '/v1/kb/documents', doc).then(function (r) {
      $('doc-editor').close();
      var held = (r && r.quarantined) || [];
      toast(held.length > 0 ? t('heldForReview', { n: held.length }) : t('saved'));
      loadQuarantine();
      if (editorDone) editorDone(doc);
      if (state.loaded.kb) { loadKbStats(); refreshKb(); }
    }).catch(function (err) { $('doc-error').textContent = err.message; })
      .then(function () { $('doc-save').disabled = false; });
  });

  // ---- knowledge base ----
  function loadKb() {
    loadKbStats();
    refreshKb();
    loadQuarantine();
    api('GET', '/v1/admin/kb/reindex').then(function (job) { if (job.status === 'running') watchReindex(); }).catch(function () { /* shown on use */ });
  }
  // Documents the scanner held back: shown with its reasons, approved or rejected one by one.
  function loadQuarantine() {
    return api('GET', '/v1/admin/kb/quarantine').then(function (r) { renderQuarantine(r.documents || []); })
      .catch(function (err) { if (!missingRoute(err)) $('kb-error').textContent = err.message; });
  }
  function renderQuarantine(docs) {
    var box = clear($('kb-quarantine-list'));
    $('kb-quarantine').hidden = docs.length === 0;
    $('kb-quarantine').querySelector('h3').textContent = t('quarantineTitle', { n: docs.length });
    docs.forEach(function (d) {
      var decide = function (action, btn) {
        btn.disabled = true;
        api('POST', '/v1/admin/kb/quarantine/' + encodeURIComponent(d.id) + '/' + action, {}).then(function () {
          toast(t(action === 'approve' ? 'approved' : 'rejected', { id: d.id }));
          loadQuarantine();
          loadKbStats();
          refreshKb();
        }).catch(function (err) { btn.disabled = false; $('kb-error').textContent = err.message; });
      };
      var approve = el('button', { type: 'button', class: 'approve', text: t('approve') });
      approve.addEventListener('click', function () { decide('approve', approve); });
      var reject = el('button', { type: 'button', class: 'danger reject', text: t('reject') });
      reject.addEventListener('click', function () { decide('reject', reject); });
      box.appendChild(el('article', { class: 'doc held', 'data-doc': d.id },
        el('h4', { text: d.title }),
        el('div', { class: 'meta', text: [d.id, t('trust_' + (d.trust === 'untrusted' ? 'untrusted' : 'policy')), d.source ? t('source', { s: d.source }) : null, t('updated', { t: fmtDateTime(d.updatedAt) })].filter(Boolean).join(' · ') }),
        el('ul', { class: 'reasons' }, d.findings.map(function (f) { return el('li', null, el('strong', { text: t('finding_' + f.kind) }), ' ', el('span', { text: f.evidence })); })),
        el('p', { text: d.text }),
        el('div', { class: 'doc-actions' }, approve, reject)));
    });
  }
  function loadKbStats() {
    api('GET', '/v1/kb/stats').then(function (s) { $('kb-stats').textContent = t('kbStats', { d: fmtNumber(s.documents), c: fmtNumber(s.chunks) }); }).catch(function () { /* optional */ });
  }
  function refreshKb() {
    var kb = state.kb;
    $('kb-error').textContent = '';
    if (kb.mode === 'search') {
      return api('GET', '/v1/kb/search?k=10&q=' + encodeURIComponent(kb.q)).then(function (r) { kb.results = r.results; renderKbList(); })
        .catch(function (err) { $('kb-error').textContent = err.message; });
    }
    return api('GET', '/v1/admin/kb/documents?limit=20&offset=0').then(function (r) { kb.docs = r.documents; kb.total = r.total; renderKbList(); })
      .catch(function (err) { $('kb-error').textContent = missingRoute(err) ? t('adminRoutesMissing') : err.message; });
  }
  $('kb-more').addEventListener('click', function () {
    var kb = state.kb;
    api('GET', '/v1/admin/kb/documents?limit=20&offset=' + kb.docs.length).then(function (r) { kb.docs = kb.docs.concat(r.documents); kb.total = r.total; renderKbList(); })
      .catch(function (err) { $('kb-error').textContent = err.message; });
  });
  $('kb-search-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var q = $('kb-q').value.trim();
    state.kb.mode = q ? 'search' : 'list';
    state.kb.q = q;
    refreshKb();
  });
  $('kb-clear').addEventListener('click', function () { $('kb-q').value = ''; state.kb.mode = 'list'; state.kb.q = ''; refreshKb(); });

  function renderKbList() {
    var kb = state.kb;
    var box = clear($('kb-results'));
    $('kb-clear').hidden = kb.mode !== 'search';
    if (kb.mode === 'search') {
      $('kb-list-title').textContent = t('searchResults', { q: kb.q, n: kb.results.length });
      $('kb-more').hidden = true;
      if (kb.results.length === 0) box.appendChild(el('p', { class: 'empty', text: t('noResults') }));
      kb.results.forEach(function (p) {
        box.appendChild(docCard(p.docId, p.title, p.text, [p.docId, t('score', { s: p.score.toFixed(2) }), p.category ? t('category', { c: p.category }) : null]));
      });
      return;
    }
    $('kb-list-title').textContent = t('allDocs', { n: kb.total });
    $('kb-more').hidden = kb.docs.length >= kb.total;
    if (kb.docs.length === 0) box.appendChild(el('p', { class: 'empty', text: t('noDocs') }));
    kb.docs.forEach(function (d) {
      box.appendChild(docCard(d.id, d.title, null, [d.id, d.status === 'quarantined' ? t('heldBadge') : null, d.trust === 'untrusted' ? t('trust_untrusted') : null, d.lang, d.category ? t('category', { c: d.category }) : null, d.source ? t('source', { s: d.source }) : null, t('chars', { n: d.chars }), t('updated', { t: fmtDateTime(d.updated_at) })]));
    });
  }

  function docCard(id, title, text, meta) {
    var del = el('button', { type: 'button', class: 'danger delete', text: t('del') });
    del.addEventListener('click', function () {
      // Two clicks to delete: the first arms the button for a few seconds.
      if (!del.classList.contains('armed')) {
        del.classList.add('armed');
        del.textContent = t('confirmDel');
        setTimeout(function () { del.classList.remove('armed'); del.textContent = t('del'); }, 4000);
        return;
      }
      del.disabled = true;
      api('DELETE', '/v1/kb/documents/' + encodeURIComponent(id)).then(function () {
        toast(t('deleted', { id: id }));
        loadKbStats();
        refreshKb();
      }).catch(function (err) { del.disabled = false; $('kb-error').textContent = err.message; });
    });
    return el('article', { class: 'doc', 'data-doc': id },
      el('h4', { text: title }),
      el('div', { class: 'meta', text: meta.filter(Boolean).join(' · ') }),
      text ? el('p', { text: text }) : null,
      el('div', { class: 'doc-actions' },
        el('button', { type: 'button', class: 'edit', text: t('edit'), onclick: function () { editDoc(id); } }),
        del));
  }
  function editDoc(id) {
    api('GET', '/v1/admin/kb/documents/' + encodeURIComponent(id)).then(function (doc) { openEditor(doc, false); })
      .catch(function (err) { $('kb-error').textContent = missingRoute(err) ? t('adminRoutesMissing') : err.message; });
  }
  $('kb-new').addEventListener('click', function () { openEditor({ id: newDocId(), title: '', text: '', lang: lang }, true); });

  $('kb-file').addEventListener('change', function () {
    var file = $('kb-file').files[0];
    if (!file) return;
    $('kb-error').textContent = '';
    $('kb-message').textContent = t('uploading', { f: file.name });
    file.text().then(function (content) {
      return api('POST', '/v1/admin/kb/upload', { filename: file.name, content: content });
    }).then(function (r) {
      $('kb-message').textContent = t('uploaded', { f: r.filename, n: r.found, w: r.documents, u: r.unchanged }) + (r.quarantined && r.quarantined.length > 0 ? ' ' + t('heldForReview', { n: r.quarantined.length }) : '');
      loadQuarantine();
      loadKbStats();
      refreshKb();
    }).catch(function (err) {
      $('kb-message').textContent = '';
      $('kb-error').textContent = missingRoute(err) ? t('adminRoutesMissing') : err.message;
    }).then(function () { $('kb-file').value = ''; });
  });

  $('kb-reindex').addEventListener('click', function () {
    $('kb-error').textContent = '';
    $('kb-message').textContent = '';
    api('POST', '/v1/admin/kb/reindex', {}).then(watchReindex).catch(function (err) {
      if (err.code === 'reindex_running') { watchReindex(); return; }
      $('kb-error').textContent = err.code === 'no_kb_paths' ? t('noKbPaths') : missingRoute(err) ? t('adminRoutesMissing') : err.message;
    });
  });
  function showJob(job) {
    var share = job.total > 0 ? job.done / job.total : job.status === 'done' ? 1 : 0;
    $('reindex-box').hidden = false;
    $('reindex-bar').style.width = Math.round(share * 100) + '%';
    $('reindex-bar').setAttribute('aria-valuenow', String(Math.round(share * 100)));
    if (job.status === 'running') $('reindex-text').textContent = job.phase === 'reading' ? t('reading') : t('indexing', { d: job.done, t: job.total });
    else if (job.status === 'done' && job.result) $('reindex-text').textContent = t('reindexDone', { n: job.result.found, w: job.result.documents, c: job.result.chunks });
    else if (job.status === 'failed') $('reindex-text').textContent = t('reindexFailed', { m: job.error ? job.error.message : '' });
  }
  function watchReindex() {
    $('kb-reindex').disabled = true;
    (function poll() {
      api('GET', '/v1/admin/kb/reindex').then(function (job) {
        showJob(job);
        if (job.status === 'running') { setTimeout(poll, 300); return; }
        $('kb-reindex').disabled = false;
        if (job.status === 'done') { loadKbStats(); refreshKb(); }
      }).catch(function (err) { $('kb-reindex').disabled = false; $('kb-error').textContent = err.message; });
    })();
  }

  // ---- audit log ----
  $('audit-verify').addEventListener('click', verifyAudit);
  function verifyAudit() {
    var box = clear($('audit-result'));
    box.appendChild(el('p', { class: 'muted', text: t('verifying') }));
    $('audit-verify').disabled = true;
    api('GET', '/v1/audit/verify').then(function (v) {
      state.audit = v;
      renderAudit();
      if (v.lastSeq !== null && v.lastSeq !== undefined) return loadAuditEntries(v.lastSeq);
      state.auditEntries = [];
      renderAuditEntries();
    }).catch(function (err) {
      state.audit = missingRoute(err) ? { missing: true } : { error: err.message };
      renderAudit();
    }).then(function () { $('audit-verify').disabled = false; });
  }
  function fact(label, value) { return el('div', null, el('dt', { text: label }), el('dd', { text: value })); }
  function renderAudit() {
    var v = state.audit;
    var box = clear($('audit-result'));
    if (!v) return;
    if (v.missing) { box.appendChild(el('div', { class: 'status-card info', 'data-audit': 'missing' }, el('strong', { text: t('auditMissing') }))); return; }
    if (v.error) { box.appendChild(el('p', { class: 'error', text: v.error })); return; }
    box.appendChild(el('div', { class: 'status-card ' + (v.ok ? 'ok' : 'bad'), 'data-audit': v.ok ? 'ok' : 'broken' },
      el('strong', { text: v.ok ? t('auditOk') : t('auditBad') }),
      v.problem ? el('div', { text: t('problemAt', { s: v.problem.seq, k: v.problem.kind }) + ' — ' + v.problem.detail }) : null,
      el('dl', { class: 'facts' },
        fact(t('entries'), fmtNumber(v.entries)),
        fact(t('seqRange'), v.firstSeq === null ? t('none') : '#' + v.firstSeq + ' – #' + v.lastSeq),
        fact(t('headHash'), v.headHash ? v.headHash.slice(0, 16) + '…' : t('none')),
        fact(t('checkpoint'), v.checkpoint ? '#' + v.checkpoint.seq + ' · ' + v.checkpoint.hash.slice(0, 12) + '…' : t('none')))));
    if (state.auditEntries) renderAuditEntries();
  }
  function loadAuditEntries(lastSeq) {
    return api('GET', '/v1/audit/export?from=' + Math.max(1, lastSeq - 49), undefined, true).then(function (text) {
      state.auditEntries = text.split('\n').filter(function (l) { return l.trim(); }).map(function (l) {
        try { return JSON.parse(l); } catch { return null; }
      }).filter(Boolean).reverse();
      renderAuditEntries();
    }).catch(function (err) { clear($('audit-entries')).appendChild(el('p', { class: 'error', text: err.message })); });
  }
  function td(label, value, cls) { return el('td', { 'data-label': label, class: cls || null, text: value === null || value === undefined || value === '' ? '—' : String(value) }); }
  /** Guard decisions in words: empty lists say nothing, decisions name their principle. */
  function guardSummary(g) {
    if (!g || typeof g !== 'object') return '';
    var parts = [];
    var add = function (k, v) {
      if (Array.isArray(v)) {
        if (v.length > 0) parts.push(k + ': ' + v.map(function (x) { return x && x.principle ? x.principle : typeof x === 'string' ? x : '?'; }).join(', '));
      } else if (v !== null && typeof v === 'object') {
        parts.push(k + ': …');
      } else if (v !== undefined && v !== null && v !== '') {
        parts.push(k + ': ' + v);
      }
    };
    if (Array.isArray(g)) add('output', g);
    else Object.keys(g).forEach(function (k) { add(k, g[k]); });
    return parts.join('; ');
  }
  function renderAuditEntries() {
    var box = clear($('audit-entries'));
    var entries = state.auditEntries || [];
    if (entries.length === 0) { box.appendChild(el('p', { class: 'empty', text: t('noEntries') })); return; }
    var head = ['colTime', 'colSeq', 'colKind', 'colSession', 'colModel', 'colContent', 'colLatency', 'colSources', 'colGuard'].map(function (c) { return el('th', { text: t(c) }); });
    var rows = entries.map(function (e) {
      var kindKey = 'kind_' + e.kind;
      var guard = guardSummary(e.guard);
      return el('tr', { 'data-seq': e.seq, class: guard || e.kind === 'guard_block' ? 'guard-hit' : null },
        td(t('colTime'), e.at ? fmtDateTime(e.at) : ''),
        td(t('colSeq'), e.seq),
        td(t('colKind'), T[lang][kindKey] ? t(kindKey) : e.kind),
        td(t('colSession'), e.sessionId ? String(e.sessionId).slice(0, 8) : ''),
        td(t('colModel'), e.model),
        td(t('colContent'), e.content && e.content.length > 200 ? e.content.slice(0, 200) + '…' : e.content, 'text'),
        td(t('colLatency'), typeof e.latencyMs === 'number' ? fmtMs(e.latencyMs) : ''),
        td(t('colSources'), Array.isArray(e.sources) ? e.sources.length : ''),
        td(t('colGuard'), guard));
    });
    box.appendChild(el('div', { class: 'table-wrap' }, el('table', { class: 'data' }, el('thead', null, el('tr', null, head)), el('tbody', null, rows))));
  }

  // ---- red-team report ----
  function loadRedteam() {
    api('GET', '/v1/redteam/report').then(function (r) { state.redteam = r; renderRedteam(); }).catch(function (err) {
      state.redteam = err.status === 404 ? null : { error: err.message };
      renderRedteam();
    });
  }
  function rate(r) { return r && typeof r.rate === 'number' ? r : null; }
  function rateText(r) { return r ? pct(r.rate) : '—'; }
  function rateSub(r) { return r ? r.k + ' / ' + r.n + ' · ' + pct(r.low) + '–' + pct(r.high) : ''; }
  function table(cols, rows) {
    return el('div', { class: 'table-wrap' }, el('table', { class: 'data' },
      el('thead', null, el('tr', null, cols.map(function (c) { return el('th', { text: t(c) }); }))),
      el('tbody', null, rows.map(function (r) { return el('tr', null, r.map(function (v, i) { return td(t(cols[i]), v, typeof v === 'string' && v.length > 40 ? 'text' : null); })); }))));
  }
  function renderRedteam() {
    var box = clear($('redteam'));
    var r = state.redteam;
    if (r === null) { box.appendChild(el('div', { class: 'card' }, el('div', { class: 'status-card info', 'data-redteam': 'missing' }, el('strong', { text: t('noReport') })))); return; }
    if (!r) return;
    if (r.error) { box.appendChild(el('p', { class: 'error', text: r.error })); return; }
    var groups = r.groups || {};
    var benign = r.benign || {};
    box.appendChild(el('p', { class: 'muted', text: t('rtMeta', { d: r.startedAt ? fmtDateTime(r.startedAt) : '—', m: r.mode || '—', model: r.model || '—', n: r.corpus ? r.corpus.requests : '—', s: fmtDuration(r.durationMs || 0) }) }));
    box.appendChild(el('div', { class: 'kpis' },
      kpiCard('rt-overall', t('rtOverall'), rateText(rate(r.overall)), rateSub(rate(r.overall))),
      kpiCard('rt-commitment', t('rtCommitment'), rateText(rate(groups.commitment)), rateSub(rate(groups.commitment))),
      kpiCard('rt-leak', t('rtLeak'), rateText(rate(groups.leak)), rateSub(rate(groups.leak))),
      kpiCard('rt-overblock', t('rtOverblock'), rateText(rate(benign.overBlocked)), rateSub(rate(benign.overBlocked)))));
    var cats = Array.isArray(r.byCategory) ? r.byCategory : [];
    var catChart = el('div', { class: 'chart' });
    if (cats.length > 0) box.appendChild(el('div', { class: 'card' }, el('h3', { text: t('rtByCategory') }), catChart,
      table(['colCategory', 'colGroup', 'colN', 'colAsr', 'colCi', 'colBlocked'], cats.map(function (c) {
        return [c.category, c.group || '—', c.asr ? c.asr.n : '', rateText(rate(c.asr)), c.asr ? pct(c.asr.low) + '–' + pct(c.asr.high) : '', rateText(rate(c.blocked))];
      }))));
    if (cats.length > 0) catChart.appendChild(categoryChart(cats, chartWidth(catChart)));
    var side = el('div', { class: 'charts' });
    if (Array.isArray(r.byPerturbation)) side.appendChild(el('div', { class: 'card' }, el('h3', { text: t('rtByPerturbation') }), table(['colPert', 'colN', 'colAsr'], r.byPerturbation.map(function (p) { return [p.perturbation, p.asr.n, rateText(p.asr)]; }))));
    if (Array.isArray(r.byLang)) side.appendChild(el('div', { class: 'card' }, el('h3', { text: t('rtByLang') }), table(['colLang', 'colN', 'colAsr'], r.byLang.map(function (p) { return [p.lang, p.asr.n, rateText(p.asr)]; }))));
    if (Array.isArray(r.byTechnique)) side.appendChild(el('div', { class: 'card' }, el('h3', { text: t('rtTechniques') }), table(['colTechnique', 'colN', 'colAsr'], r.byTechnique.slice(0, 10).map(function (p) { return [p.technique, p.asr.n, rateText(p.asr)]; }))));
    box.appendChild(side);
    var wins = (Array.isArray(r.attacks) ? r.attacks : []).filter(function (a) { return a.success; }).slice(0, 20);
    box.appendChild(el('div', { class: 'card' }, el('h3', { text: t('rtSuccesses') }),
      wins.length === 0 ? el('p', { class: 'empty', text: t('rtNone') }) : table(['colCategory', 'colTechnique', 'colPert', 'colAttack', 'colEvidence'], wins.map(function (a) { return [a.category, a.technique, a.perturbation, a.text, a.evidence || a.reply]; }))));
    if (Array.isArray(benign.examples) && benign.examples.length > 0) {
      box.appendChild(el('div', { class: 'card' }, el('h3', { text: t('rtBenign') }), table(['colAttack', 'colKind', 'colReply'], benign.examples.slice(0, 10).map(function (b) { return [b.text, b.kind, b.reply]; }))));
    }
    if (Array.isArray(r.notes) && r.notes.length > 0) box.appendChild(el('div', { class: 'card' }, el('h3', { text: t('rtNotes') }), el('ul', null, r.notes.map(function (n) { return el('li', { text: n }); }))));
  }
  /** Attack success per category as bars with the Wilson interval as a whisker. */
  function categoryChart(cats, W) {
    var row = 24, L = Math.min(170, Math.round(W * 0.4)), R = 50;
    var H = cats.length * row + 24;
    var pw = W - L - R;
    var s = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': t('rtByCategory') });
    [0, 0.25, 0.5, 0.75, 1].forEach(function (v) {
      s.appendChild(svg('line', { class: 'grid', x1: L + pw * v, x2: L + pw * v, y1: 0, y2: H - 18 }));
      s.appendChild(svg('text', { x: L + pw * v, y: H - 4, 'text-anchor': 'middle', text: Math.round(v * 100) + '%' }));
    });
    cats.forEach(function (c, i) {
      var a = c.asr || { rate: 0, low: 0, high: 0 };
      var y = 2 + i * row;
      s.appendChild(svg('text', { x: L - 8, y: y + 15, 'text-anchor': 'end', class: 'label-strong', text: c.category }));
      s.appendChild(svg('rect', { x: L, y: y + 4, width: Math.max(1, pw * a.rate).toFixed(1), height: row - 10, rx: 2, fill: a.rate > 0 ? '#b42318' : '#0b6e4f' }, svg('title', { text: c.category + ' ' + pct(a.rate) })));
      s.appendChild(svg('line', { x1: L + pw * a.low, x2: L + pw * a.high, y1: y + row / 2, y2: y + row / 2, stroke: '#1f2933', 'stroke-width': 1.5 }));
      s.appendChild(svg('text', { x: L + pw * a.high + 6, y: y + 15, text: pct(a.rate) }));
    });
    return s;
  }

  applyLang();
  if (state.key) enter();
})();
