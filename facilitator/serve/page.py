"""The one phone page: HTML with its CSS and JavaScript inline, nothing from outside.

Written for a five-year-old phone and a screen reader: plain ES5 and XMLHttpRequest,
real buttons at least 56 px tall, an ordered list of places, a polite live region
that says what each tap did, focus moved to each new screen's heading, no colour
carrying meaning alone, and the page's ``lang`` following the chosen language.

Ranking: tap cards into places 1 (most acceptable) to 6, in the kiosk's words;
confirm; a thank-you. Dots: + and − on each advice item, the same confirm and
thank-you. Cymraeg / English with its own small string table (``STRINGS``). Nothing
of anyone else's vote is ever shown: the page only learns what to show and sends.
"""

from __future__ import annotations

import json
from functools import lru_cache

# The kiosk's wording (ui/kiosk/kiosk.py, dot_kiosk.py) and its Welsh.
STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "doc_title": "Vote",
        "switch": "Cymraeg",
        "switch_label": "Newid i’r Gymraeg",
        "loading": "Loading the ballot…",
        "rank_title": "Rank the six uses of AI in policing",
        "rank_help": "Put the one you find most acceptable at 1 and the least acceptable "
                     "at 6. Tap the cards in order; tap a placed card to take it out.",
        "your_order": "Your order",
        "to_place": "Cards to place",
        "most": "▲ Most acceptable",
        "least": "▼ Least acceptable",
        "empty": "empty",
        "take_out": "Take out",
        "take_out_label": "Take {title} out of place {n}",
        "place_label": "Put {title} in place {n}",
        "placed": "{title}: place {n}.",
        "taken_out": "{title} taken out.",
        "basic": "BASIC",
        "complex": "COMPLEX",
        "none_placed": "To submit, place all six cards: none placed yet.",
        "more_one": "To submit, place 1 more card.",
        "more_many": "To submit, place {n} more cards.",
        "all_placed": "All six placed. Check your order, then press Submit.",
        "start_again": "Start again",
        "submit_rank": "Submit my ranking",
        "confirm_rank": "Is this your order?",
        "cast_rank": "Yes, cast my vote",
        "change": "Go back and change it",
        "thanks_rank": "Thank you — your vote is recorded",
        "code_label": "Your participant code",
        "code_needed": "Please enter your participant code.",
        "code_shown": "Participant code: {code}",
        "dots_title": "Which advice matters most to you?",
        "dots_help": "You have {n} dots. Put them on the advice you think matters most — "
                     "up to {m} on one item. Tap + to add a dot and − to take one off.",
        "add": "Add a dot to: {text}",
        "remove": "Take a dot off: {text}",
        "no_dots": "no dots",
        "one_dot": "1 dot",
        "n_dots": "{n} dots",
        "left": "{n} of {total} dots left",
        "dots_more_one": "To submit, place 1 more dot.",
        "dots_more_many": "To submit, place {n} more dots.",
        "dots_all": "All your dots are placed. Press Submit.",
        "no_advice": "There is no advice to vote on yet.",
        "submit_dots": "Submit my dots",
        "confirm_dots": "Are these your dots?",
        "cast_dots": "Yes, send my dots",
        "thanks_dots": "Thank you — your dots are recorded.",
        "sending": "Sending…",
        "close_page": "You can close this page now.",
        "held": "Thank you. Your code has already voted, so the facilitator will decide "
                "which ballot counts.",
        "closed_title": "Voting has closed",
        "closed": "Thank you for taking part.",
        "bad_code": "That code is not on the list for this venue. Check it with the "
                    "facilitator.",
        "slowed": "Too many attempts with a wrong code. Please wait {s} seconds, then try "
                  "again, or ask the facilitator.",
        "expired": "This page has expired. Reload it and vote again.",
        "refused": "The ballot was not accepted. Reload the page and try again.",
        "offline": "Could not reach the laptop. Check that you are on the venue's Wi-Fi, "
                   "then try again.",
        "busy": "The laptop is busy. Please try again in a moment.",
        "try_again": "Try again",
        "reload": "Reload the page",
    },
    "cy": {
        "doc_title": "Pleidleisio",
        "switch": "English",
        "switch_label": "Switch to English",
        "loading": "Wrthi’n llwytho’r papur pleidleisio…",
        "rank_title": "Rhestrwch y chwe achos defnydd o AI ym maes plismona",
        "rank_help": "Rhowch yr un sydd fwyaf derbyniol yn eich barn chi yn safle 1, a’r "
                     "un lleiaf derbyniol yn safle 6. Tapiwch y cardiau yn eu trefn; "
                     "tapiwch gerdyn sydd yn ei le i’w dynnu allan.",
        "your_order": "Eich trefn",
        "to_place": "Cardiau i’w gosod",
        "most": "▲ Mwyaf derbyniol",
        "least": "▼ Lleiaf derbyniol",
        "empty": "gwag",
        "take_out": "Tynnu allan",
        "take_out_label": "Tynnu {title} allan o safle {n}",
        "place_label": "Rhoi {title} yn safle {n}",
        "placed": "{title}: safle {n}.",
        "taken_out": "{title}: wedi’i dynnu allan.",
        "basic": "SYLFAENOL",
        "complex": "CYMHLETH",
        "none_placed": "Cyn anfon, rhowch y chwe cherdyn yn eu lle: does dim un yn ei le "
                       "eto.",
        "more_one": "Cyn anfon, rhowch un cerdyn arall yn ei le.",
        "more_many": "Cyn anfon, rhowch {n} cerdyn arall yn eu lle.",
        "all_placed": "Mae’r chwech yn eu lle. Gwiriwch eich trefn, yna pwyswch Anfon.",
        "start_again": "Dechrau eto",
        "submit_rank": "Anfon fy nhrefn",
        "confirm_rank": "Ai dyma’ch trefn chi?",
        "cast_rank": "Ie, bwrw fy mhleidlais",
        "change": "Mynd yn ôl i’w newid",
        "thanks_rank": "Diolch — mae eich pleidlais wedi’i chofnodi",
        "code_label": "Eich cod cyfranogwr",
        "code_needed": "Rhowch eich cod cyfranogwr.",
        "code_shown": "Cod cyfranogwr: {code}",
        "dots_title": "Pa gyngor sydd bwysicaf i chi?",
        "dots_help": "Mae gennych {n} dot. Rhowch nhw ar y cyngor sydd bwysicaf yn eich barn "
                     "chi — hyd at {m} ar un eitem. Tapiwch + i ychwanegu dot a − i dynnu "
                     "un i ffwrdd.",
        "add": "Ychwanegu dot at: {text}",
        "remove": "Tynnu dot oddi ar: {text}",
        "no_dots": "dim dotiau",
        "one_dot": "1 dot",
        "n_dots": "{n} dot",
        "left": "{n} o {total} dot ar ôl",
        "dots_more_one": "Cyn anfon, rhowch un dot arall.",
        "dots_more_many": "Cyn anfon, rhowch {n} dot arall.",
        "dots_all": "Mae eich dotiau i gyd yn eu lle. Pwyswch Anfon.",
        "no_advice": "Does dim cyngor i bleidleisio arno eto.",
        "submit_dots": "Anfon fy notiau",
        "confirm_dots": "Ai dyma’ch dotiau chi?",
        "cast_dots": "Ie, anfon fy notiau",
        "thanks_dots": "Diolch — mae eich dotiau wedi’u cofnodi.",
        "sending": "Wrthi’n anfon…",
        "close_page": "Gallwch gau’r dudalen hon nawr.",
        "held": "Diolch. Mae eich cod eisoes wedi’i ddefnyddio i bleidleisio, felly bydd yr "
                "hwylusydd yn penderfynu pa bleidlais sy’n cyfrif.",
        "closed_title": "Mae’r pleidleisio wedi cau",
        "closed": "Diolch am gymryd rhan.",
        "bad_code": "Nid yw’r cod hwnnw ar y rhestr ar gyfer y lleoliad hwn. Gwiriwch ef "
                    "gyda’r hwylusydd.",
        "slowed": "Gormod o gynigion gyda chod anghywir. Arhoswch {s} eiliad, yna rhowch "
                  "gynnig arall arni, neu gofynnwch i’r hwylusydd.",
        "expired": "Mae’r dudalen hon wedi dod i ben. Ail-lwythwch hi a phleidleisio eto.",
        "refused": "Ni dderbyniwyd y bleidlais. Ail-lwythwch y dudalen a rhoi cynnig arall "
                   "arni.",
        "offline": "Methu cysylltu â’r gliniadur. Gwnewch yn siŵr eich bod ar Wi-Fi y "
                   "lleoliad, yna rhowch gynnig arall arni.",
        "busy": "Mae’r gliniadur yn brysur. Rhowch gynnig arall arni mewn munud.",
        "try_again": "Rhoi cynnig arall arni",
        "reload": "Ail-lwytho’r dudalen",
    },
}

STYLE = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#0F1419;color:#F2F4F7;font:19px/1.4 system-ui,-apple-system,
"Segoe UI",Roboto,Arial,sans-serif}
main{max-width:640px;margin:0 auto;padding:12px 14px 140px}
h1{font-size:25px;line-height:1.25;margin:8px 0 8px}
h1:focus{outline:none}
h2{font-size:20px;margin:20px 0 8px;color:#C9D1DA}
p{margin:6px 0}
.help{color:#C9D1DA}
.top{display:flex;justify-content:flex-end}
button{font:inherit;color:inherit;cursor:pointer;border-radius:12px;min-height:56px;
padding:10px 16px;border:3px solid #8A96A3;background:#26303A;touch-action:manipulation}
button:focus{outline:4px solid #F0E442;outline-offset:2px}
button[disabled],button[aria-disabled=true]{background:#1B2229;color:#A3ACB7;
border-style:dashed}
.lang{min-height:48px;font-weight:bold}
.primary{background:#56B4E9;color:#000;border-color:#56B4E9;font-weight:bold}
.primary[aria-disabled=true]{background:#1B2229;color:#A3ACB7;border-color:#4A545F}
ol.places{list-style:none;margin:0;padding:0}
.places li{display:flex;align-items:stretch;margin:0 0 8px;min-height:60px}
.num{flex:0 0 52px;display:flex;align-items:center;justify-content:center;font-size:26px;
font-weight:bold;background:#26303A;border-radius:12px 0 0 12px;border:2px solid #5A6470}
.slot{flex:1;display:flex;align-items:center;border:2px dashed #5A6470;border-left:0;
border-radius:0 12px 12px 0;padding:0 12px;color:#A3ACB7}
button.slot{border:3px solid #8A96A3;border-left:0;border-radius:0 12px 12px 0;
padding:8px 12px;text-align:left;background:#26303A;color:#F2F4F7;font-weight:bold;
justify-content:space-between;gap:8px}
.out{font-weight:normal;font-size:15px;color:#C9D1DA;white-space:nowrap}
.end{font-size:16px;color:#C9D1DA;margin:2px 0 6px}
.cards{display:block}
.card{display:block;width:100%;text-align:left;margin:0 0 10px;min-height:72px;
font-weight:bold;font-size:20px}
.badge{display:inline-block;font-size:13px;font-weight:bold;letter-spacing:.04em;
color:#000;border-radius:6px;padding:1px 8px;margin-bottom:4px}
.basic{background:#009E73}.complex{background:#E69F00}
.bar{position:fixed;left:0;right:0;bottom:0;background:#0F1419;border-top:2px solid #3A4450;
padding:8px 14px 12px}
.bar .inner{max-width:640px;margin:0 auto}
.status{font-weight:bold;color:#F0E442;min-height:27px;margin:0 0 8px}
.row{display:flex;gap:10px}
.row .primary{flex:1}
.stack{display:flex;flex-direction:column;gap:12px;margin-top:16px}
label{display:block;font-weight:bold;margin:12px 0 6px}
input{font:inherit;font-size:22px;width:100%;min-height:56px;padding:8px 12px;
border-radius:10px;border:3px solid #8A96A3;background:#fff;color:#000}
input:focus{outline:4px solid #F0E442}
.item{background:#1B2229;border:2px solid #3A4450;border-radius:12px;padding:10px 12px;
margin:0 0 10px}
.item .text{font-weight:bold}
.meta{font-size:15px;color:#C9D1DA}
.dots{display:flex;align-items:center;gap:10px;margin-top:8px}
.dots button{flex:0 0 64px;font-size:30px;font-weight:bold;padding:0}
.pips{flex:1;text-align:center;font-size:26px;color:#56B4E9;letter-spacing:3px}
.pips small{display:block;font-size:15px;color:#F2F4F7;letter-spacing:0}
ol.review{padding-left:0;list-style:none}
.review li{display:flex;gap:12px;align-items:center;margin:0 0 8px;font-weight:bold;
font-size:21px}
.review .num{border-radius:12px;flex:0 0 52px;min-height:52px}
.review .pipbox{font-size:18px;color:#56B4E9;letter-spacing:1px}
.msg{font-size:20px}
.big{font-size:30px;text-align:center;margin-top:40px}
.center{text-align:center}
[hidden]{display:none!important}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);
white-space:nowrap}
@media (prefers-reduced-motion:no-preference){button{transition:background .1s}}
"""

SCRIPT = r"""
(function () {
  'use strict';
  var STRINGS = __STRINGS__;
  // The language: the phone's own choice on this page, else a Welsh phone, else the
  // app's language (sent with the ballot), else English.
  var lang = 'en';
  var chosen = false;
  try {
    var saved = window.localStorage && localStorage.getItem('facilitator-lang');
    if (saved === 'cy' || saved === 'en') { lang = saved; chosen = true; }
  } catch (e) { /* private mode */ }
  if (!chosen && (navigator.language || '').toLowerCase().indexOf('cy') === 0) {
    lang = 'cy'; chosen = true;
  }
  var state = {screen: 'loading', data: null, places: [], dots: {}, code: '',
               notice: '', busy: false, order: []};
  var main = document.getElementById('main');
  var live = document.getElementById('live');

  function t(key, args) {
    var text = (STRINGS[lang] && STRINGS[lang][key]) || STRINGS.en[key] || key;
    if (args) {
      for (var name in args) {
        if (Object.prototype.hasOwnProperty.call(args, name)) {
          text = text.split('{' + name + '}').join(String(args[name]));
        }
      }
    }
    return text;
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var key in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, key)) { continue; }
        var value = attrs[key];
        if (value === null || value === undefined || value === false) { continue; }
        if (key === 'text') { node.textContent = value; }
        else if (key === 'onclick') { node.addEventListener('click', value); }
        else { node.setAttribute(key, value === true ? '' : value); }
      }
    }
    (children || []).forEach(function (child) {
      if (child) { node.appendChild(typeof child === 'string' ?
        document.createTextNode(child) : child); }
    });
    return node;
  }
  function say(text) {
    live.textContent = '';
    setTimeout(function () { live.textContent = text; }, 50);
  }
  function title(uc) {
    return (lang === 'cy' && uc.title_cy) ? uc.title_cy : uc.title;
  }
  function meta(item) {
    var cy = lang === 'cy';
    return [cy && item.theme_cy ? item.theme_cy : item.theme,
            cy && item.sites_cy ? item.sites_cy : item.sites].filter(Boolean).join(' · ');
  }
  function useCase(id) {
    var list = state.data.use_cases;
    for (var i = 0; i < list.length; i++) { if (list[i].id === id) { return list[i]; } }
    return {id: id, title: id};
  }
  function itemById(id) {
    var list = state.data.items;
    for (var i = 0; i < list.length; i++) { if (list[i].id === id) { return list[i]; } }
    return {id: id, text: id};
  }
  function shuffle(list) {
    var copy = list.slice();
    for (var i = copy.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1));
      var tmp = copy[i]; copy[i] = copy[j]; copy[j] = tmp;
    }
    return copy;
  }

  // -- talking to the laptop --------------------------------------------------------
  function request(method, body, done) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, '/api/ballot', true);
    xhr.timeout = 12000;
    xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.onload = function () {
      var json = null;
      try { json = JSON.parse(xhr.responseText); } catch (e) { json = null; }
      done(xhr.status, json, xhr);
    };
    xhr.onerror = xhr.ontimeout = function () { done(0, null, xhr); };
    xhr.send(body === null ? null : JSON.stringify(body));
  }
  function load() {
    request('GET', null, function (status, json) {
      if (status === 200 && json && json.token) {
        state.data = json;
        if (!chosen && (json.lang === 'cy' || json.lang === 'en')) { lang = json.lang; }
        state.places = [];
        state.dots = {};
        state.order = shuffle(json.use_cases.map(function (u) { return u.id; }));
        show('vote');
      } else if (status === 409) { show('closed'); }
      else { state.notice = t('offline'); show('offline'); }
    });
  }
  function ballot() {
    var body = {token: state.data.token, code: state.data.needs_code ? state.code : null,
                lang: lang};
    if (state.data.ballot === 'ranking') { body.ranking = state.places.slice(); }
    else {
      body.dots = {};
      for (var id in state.dots) {
        if (Object.prototype.hasOwnProperty.call(state.dots, id) && state.dots[id] > 0) {
          body.dots[id] = state.dots[id];
        }
      }
    }
    return body;
  }
  function send(attempt) {
    state.busy = true;
    show('sending');
    request('POST', ballot(), function (status, json, xhr) {
      state.busy = false;
      if (status === 201 || status === 200 || status === 202) {
        // Nothing of the ballot stays on the page (a phone may be passed on).
        state.places = []; state.dots = {}; state.code = ''; live.textContent = '';
        show(status === 202 ? 'held' : 'thanks');
      }
      else if (status === 409) { show('closed'); }
      else if (status === 403) { state.notice = t('bad_code'); show('vote', 'code'); }
      else if (status === 429) {
        var wait = (json && json.retry_after) || xhr.getResponseHeader('Retry-After') || 30;
        state.notice = t('slowed', {s: wait}); show('vote', 'code');
      } else if (status === 0 || status === 503) {
        if (attempt < 3) {  // flaky Wi-Fi: the same token again records it once
          setTimeout(function () { send(attempt + 1); }, 800 * (attempt + 1));
          state.busy = true;
          return;
        }
        state.notice = t(status === 0 ? 'offline' : 'busy'); show('retry');
      } else if (json && /expired|token/.test(json.error || '')) {
        state.notice = t('expired'); show('failed');
      } else { state.notice = t('refused'); show('failed'); }
    });
  }

  // -- screens ------------------------------------------------------------------------
  function heading(key, args) { return el('h1', {id: 'heading', tabindex: '-1', text: t(key, args)}); }
  function langButton() {
    return el('div', {'class': 'top'}, [el('button', {
      'class': 'lang', type: 'button', lang: lang === 'cy' ? 'en' : 'cy',
      'aria-label': t('switch_label'), text: t('switch'), id: 'lang',
      onclick: function () {
        lang = lang === 'cy' ? 'en' : 'cy';
        try { localStorage.setItem('facilitator-lang', lang); } catch (e) { /* ignore */ }
        show(state.screen, 'lang');
      }})]);
  }
  function codeField() {
    if (!state.data.needs_code) { return null; }
    var input = el('input', {id: 'code', type: 'text', autocomplete: 'off',
      autocapitalize: 'characters', spellcheck: 'false', maxlength: '40',
      value: state.code, 'aria-describedby': 'status'});
    input.addEventListener('input', function () { state.code = input.value; state.notice = '';
      refreshStatus(); });
    return el('div', null, [el('label', {'for': 'code', text: t('code_label')}), input]);
  }
  function rankingBody() {
    var nodes = [heading('rank_title'), el('p', {'class': 'help', text: t('rank_help')}),
                 codeField()];
    // The cards to tap come first: the pool shrinks as the places below fill.
    var left = state.order.filter(function (id) { return state.places.indexOf(id) < 0; });
    if (left.length) {
      nodes.push(el('h2', {text: t('to_place')}));
      var cards = el('div', {'class': 'cards', id: 'cards'});
      left.forEach(function (id) {
        var uc = useCase(id);
        var level = uc.level === 'complex' ? 'complex' : 'basic';
        cards.appendChild(el('button', {type: 'button', 'class': 'card', 'data-id': id,
          'aria-label': t('place_label', {title: title(uc), n: state.places.length + 1}) +
            ' (' + t(level) + ')',
          onclick: place(id)}, [el('span', {'class': 'badge ' + level, text: t(level)}),
          el('br'), el('span', {text: title(uc)})]));
      });
      nodes.push(cards);
    }
    nodes.push(el('h2', {text: t('your_order')}), el('p', {'class': 'end', text: t('most')}));
    var list = el('ol', {'class': 'places', id: 'places'});
    for (var n = 1; n <= 6; n++) {
      var id = state.places[n - 1];
      var slot;
      if (id) {
        var uc = useCase(id);
        slot = el('button', {type: 'button', 'class': 'slot', 'data-id': id,
          'aria-label': t('take_out_label', {title: title(uc), n: n}),
          onclick: takeOut(id)}, [el('span', {text: title(uc)}),
          el('span', {'class': 'out', 'aria-hidden': 'true', text: t('take_out')})]);
      } else {
        slot = el('div', {'class': 'slot', text: t('empty')});
      }
      list.appendChild(el('li', null, [el('span', {'class': 'num', 'aria-hidden': 'true',
        text: String(n)}), el('span', {'class': 'sr', text: n + ':'}), slot]));
    }
    nodes.push(list, el('p', {'class': 'end', text: t('least')}));
    return nodes;
  }
  function place(id) {
    return function () {
      if (state.places.indexOf(id) >= 0 || state.places.length >= 6) { return; }
      state.places.push(id);
      state.notice = '';
      show('vote', 'card');
      say(t('placed', {title: title(useCase(id)), n: state.places.length}));
    };
  }
  function takeOut(id) {
    return function () {
      state.places = state.places.filter(function (p) { return p !== id; });
      show('vote', 'card');
      say(t('taken_out', {title: title(useCase(id))}));
    };
  }
  function dotsLeft() {
    var used = 0;
    for (var id in state.dots) {
      if (Object.prototype.hasOwnProperty.call(state.dots, id)) { used += state.dots[id]; }
    }
    return state.data.dots - used;
  }
  function dotWords(n) { return n === 0 ? t('no_dots') : n === 1 ? t('one_dot') : t('n_dots', {n: n}); }
  function dotsBody() {
    var d = state.data;
    var nodes = [heading('dots_title'), el('p', {'class': 'help',
      text: t('dots_help', {n: d.dots, m: d.per_item})}), codeField()];
    if (!d.items.length) { nodes.push(el('p', {'class': 'msg', text: t('no_advice')})); }
    var left = dotsLeft();
    d.items.forEach(function (item) {
      var n = state.dots[item.id] || 0;
      var pips = '';
      for (var i = 0; i < d.per_item; i++) { pips += i < n ? '\u25CF' : '\u25CB'; }
      nodes.push(el('div', {'class': 'item', 'data-id': item.id}, [
        el('p', {'class': 'text', text: item.text}),
        el('p', {'class': 'meta', text: meta(item)}),
        el('div', {'class': 'dots'}, [
          el('button', {type: 'button', 'class': 'minus', 'aria-label': t('remove', {text: item.text}),
            'aria-disabled': n === 0 ? 'true' : null, onclick: addDot(item.id, -1)}, ['\u2212']),
          el('div', {'class': 'pips', 'aria-live': 'off'}, [el('span', {'aria-hidden': 'true',
            text: pips}), el('small', {text: dotWords(n)})]),
          el('button', {type: 'button', 'class': 'plus', 'aria-label': t('add', {text: item.text}),
            'aria-disabled': (n >= d.per_item || left <= 0) ? 'true' : null,
            onclick: addDot(item.id, 1)}, ['+'])])]));
    });
    return nodes;
  }
  function addDot(id, step) {
    return function () {
      var n = state.dots[id] || 0;
      if (step > 0 && (n >= state.data.per_item || dotsLeft() <= 0)) { return; }
      if (step < 0 && n === 0) { return; }
      state.dots[id] = n + step;
      show('vote', 'dot:' + id + ':' + (step > 0 ? 'plus' : 'minus'));
      say(dotWords(state.dots[id]) + ' — ' + t('left', {n: dotsLeft(), total: state.data.dots}));
    };
  }
  function statusText() {
    if (state.notice) { return state.notice; }
    if (state.data.ballot === 'ranking') {
      var left = 6 - state.places.length;
      if (left === 6) { return t('none_placed'); }
      if (left === 1) { return t('more_one'); }
      if (left > 1) { return t('more_many', {n: left}); }
      return t('all_placed');
    }
    var dots = dotsLeft();
    if (dots === 1) { return t('dots_more_one'); }
    if (dots > 1) { return t('dots_more_many', {n: dots}); }
    return t('dots_all');
  }
  function complete() {
    return state.data.ballot === 'ranking' ? state.places.length === 6 : dotsLeft() === 0;
  }
  function refreshStatus() {
    var status = document.getElementById('status');
    if (status) { status.textContent = statusText(); }
  }
  function bar() {
    var ranking = state.data.ballot === 'ranking';
    var submit = el('button', {type: 'button', 'class': 'primary', id: 'submit',
      'aria-disabled': complete() ? null : 'true',
      text: t(ranking ? 'submit_rank' : 'submit_dots'), onclick: review});
    var again = el('button', {type: 'button', id: 'again', text: t('start_again'),
      onclick: function () { state.places = []; state.dots = {}; state.notice = '';
        show('vote', 'again'); }});
    return el('div', {'class': 'bar'}, [el('div', {'class': 'inner'}, [
      el('p', {'class': 'status', id: 'status', role: 'status', text: statusText()}),
      el('div', {'class': 'row'}, [again, submit])])]);
  }
  function review() {
    if (!complete()) { state.notice = ''; refreshStatus(); say(statusText()); return; }
    if (state.data.needs_code && !state.code.replace(/\s/g, '')) {
      state.notice = t('code_needed'); refreshStatus(); say(state.notice);
      var input = document.getElementById('code');
      if (input) { input.focus(); }
      return;
    }
    show('confirm');
  }
  function confirmBody() {
    var ranking = state.data.ballot === 'ranking';
    var nodes = [heading(ranking ? 'confirm_rank' : 'confirm_dots')];
    if (state.data.needs_code) {
      nodes.push(el('p', {'class': 'help', text: t('code_shown', {code: state.code.trim()})}));
    }
    var list = el('ol', {'class': 'review', id: 'review'});
    if (ranking) {
      state.places.forEach(function (id, i) {
        list.appendChild(el('li', null, [el('span', {'class': 'num', 'aria-hidden': 'true',
          text: String(i + 1)}), el('span', {'class': 'sr', text: (i + 1) + ':'}),
          el('span', {text: title(useCase(id))})]));
      });
      nodes.push(el('p', {'class': 'end', text: t('most')}), list,
                 el('p', {'class': 'end', text: t('least')}));
    } else {
      state.data.items.forEach(function (item) {
        var n = state.dots[item.id] || 0;
        var pips = '';
        for (var i = 0; i < n; i++) { pips += '\u25CF'; }
        // Dots, not a number: a number in a box reads as a rank.
        if (n) { list.appendChild(el('li', null, [el('span', {'class': 'num pipbox',
          'aria-hidden': 'true', text: pips}),
          el('span', {text: item.text + ' (' + dotWords(n) + ')'})])); }
      });
      nodes.push(list);
    }
    nodes.push(el('div', {'class': 'stack'}, [
      el('button', {type: 'button', 'class': 'primary', id: 'cast',
        text: t(ranking ? 'cast_rank' : 'cast_dots'), onclick: function () {
          if (!state.busy) { send(0); } }}),
      el('button', {type: 'button', id: 'change', text: t('change'),
        onclick: function () { show('vote'); }})]));
    return nodes;
  }
  function message(headKey, textKey, extra) {
    var nodes = [heading(headKey)];
    if (textKey) { nodes.push(el('p', {'class': 'msg', text: t(textKey)})); }
    return nodes.concat(extra || []);
  }
  function show(screen, why) {
    state.screen = screen;
    document.documentElement.lang = lang;
    document.title = t('doc_title');
    var nodes = [langButton()];
    var ranking = state.data && state.data.ballot === 'ranking';
    if (screen === 'loading') { nodes.push(el('p', {'class': 'big', role: 'status', text: t('loading')})); }
    else if (screen === 'vote') { nodes = nodes.concat(ranking ? rankingBody() : dotsBody()); }
    else if (screen === 'confirm') { nodes = nodes.concat(confirmBody()); }
    else if (screen === 'sending') {
      nodes.push(el('p', {'class': 'big', role: 'status', id: 'heading', tabindex: '-1',
                          text: t('sending')}));
    } else if (screen === 'thanks') {
      nodes = nodes.concat(message(ranking ? 'thanks_rank' : 'thanks_dots', 'close_page'));
    } else if (screen === 'held') {
      nodes.push(heading('held'));
      nodes.push(el('p', {'class': 'msg', text: t('close_page')}));
    }
    else if (screen === 'closed') { nodes = nodes.concat(message('closed_title', 'closed')); }
    else if (screen === 'retry') { nodes.push(el('h1', {id: 'heading', tabindex: '-1', text: state.notice}));
      nodes.push(el('button', {type: 'button', 'class': 'primary', id: 'retry', text: t('try_again'),
        onclick: function () { send(0); }})); }
    else if (screen === 'offline' || screen === 'failed') {
      nodes.push(el('h1', {id: 'heading', tabindex: '-1', text: state.notice}));
      nodes.push(el('button', {type: 'button', 'class': 'primary', id: 'reload', text: t('reload'),
        onclick: function () { window.location.reload(); }})); }
    var fragment = document.createDocumentFragment();
    nodes.forEach(function (node) { if (node) { fragment.appendChild(node); } });
    main.innerHTML = '';
    main.appendChild(fragment);
    var old = document.getElementById('bar');
    if (old) { old.parentNode.removeChild(old); }
    if (screen === 'vote') {
      var b = bar(); b.id = 'bar'; document.body.appendChild(b);
    }
    focusAfter(why);
  }
  function focusAfter(why) {
    var target = null;
    if (why === 'lang') { target = document.getElementById('lang'); }
    else if (why === 'code') { target = document.getElementById('code'); say(state.notice); }
    else if (why === 'card') {
      var cards = document.querySelectorAll('#cards .card');
      target = cards.length ? cards[0] : document.getElementById('submit');
    } else if (why && why.indexOf('dot:') === 0) {
      var parts = why.split(':');
      var row = document.querySelector('.item[data-id="' + parts[1] + '"]');
      if (row) { target = row.querySelector('.' + parts[2]); }
    } else { target = document.getElementById('heading'); }
    if (target) { target.focus(); }
  }
  show('loading');
  load();
})();
"""

TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Vote</title>
<style>__STYLE__</style>
</head>
<body>
<main id="main" aria-live="off"></main>
<div id="live" class="sr" aria-live="polite" aria-atomic="true"></div>
<noscript><p style="padding:16px">This page needs JavaScript. / Mae angen JavaScript ar y
dudalen hon.</p></noscript>
<script>__SCRIPT__</script>
</body>
</html>
"""


@lru_cache(maxsize=1)
def page_bytes() -> bytes:
    """The page, UTF-8 encoded (built once)."""
    strings = json.dumps(STRINGS, ensure_ascii=False).replace("</", "<\\/")
    html = (TEMPLATE.replace("__STYLE__", STYLE)
            .replace("__SCRIPT__", SCRIPT.replace("__STRINGS__", strings)))
    return html.encode("utf-8")
