/* Sala search: queries the index that `sala build` writes beside the search page, in shards
   (search/manifest.json, terms/<first letter>.json, docs/<n>.json, facets/<group>.json): a
   first visit loads the manifest and the first results' block, a query the shards of its own
   words and, for the filters' counts, which datasets have each value the filters offer, so
   what a reader downloads does not grow with the portal. No framework.
   Thai has no spaces between words: the query is cut with Intl.Segmenter('th') where the
   browser has it, then each run of Thai is re-cut against the index's own words (fewest words
   wins), so "งบ ประมาณ", "งบประมาณ" and "รายจ่ายประจำปี" find what the build-time segmenter
   indexed. English words map to their stems through the index's `forms` table. */
(function () {
  'use strict';
  var form = document.getElementById('search');
  if (!form || !window.fetch) return;
  var input = document.getElementById('q');
  var statusEl = document.getElementById('status');
  var list = document.getElementById('results');
  var filters = document.getElementById('filters');
  var data = form.dataset;
  var THAI = /[\u0E00-\u0E7F]/;
  var WORD = /[\p{L}\p{M}\p{N}]/u;
  var segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter(data.lang, { granularity: 'word' }) : null;
  var base = data.index.replace(/[^/]*$/, '');
  // The loaded parts of the index: `terms` and `forms` hold the shards fetched so far.
  var index = null, thaiMax = 0, timer = 0, shown = 0, generation = 0;
  var loaded = {}, blocks = {}, groups = {}, counted = false;
  var PAGE = 20;

  var pending = 0;
  function get(path) {
    pending++;
    return fetch(base + path).then(function (r) {
      if (!r.ok) throw new Error(path + ': ' + r.status);
      return r.json();
    }).finally(function () { pending--; });
  }

  function key(word) { return word.codePointAt(0).toString(16); }

  /* Fetches the term shards a query needs: each word's first letter and, for a run of Thai
     (which is re-cut against the index's words), each of its letters. */
  function needTerms(text) {
    var keys = {};
    pieces(text).forEach(function (p) {
      if (THAI.test(p)) Array.from(p).forEach(function (c) { keys[key(c)] = 1; });
      else keys[key(p)] = 1;
    });
    var wanted = Object.keys(keys).filter(function (k) { return index.shards.indexOf(k) >= 0; });
    return Promise.all(wanted.map(function (k) {
      if (!loaded[k]) loaded[k] = get('terms/' + k + '.json').then(function (shard) {
        Object.keys(shard.terms).forEach(function (t) {
          index.terms[t] = shard.terms[t];
          if (THAI.test(t)) thaiMax = Math.max(thaiMax, t.length);
        });
        Object.keys(shard.forms).forEach(function (w) { index.forms[w] = shard.forms[w]; });
      });
      return loaded[k];
    }));
  }

  /* Sorted document numbers from runs of [gap from the previous run's end, length]. */
  function decode(runs) {
    var set = new Set(), at = 0;
    for (var i = 0; i < runs.length; i += 2) {
      at += runs[i];
      for (var k = 0; k < runs[i + 1]; k++) set.add(at + k);
      at += runs[i + 1];
    }
    return set;
  }

  function loadGroup(file, key) {
    if (!groups[file]) groups[file] = get('facets/' + file + '.json').then(function (values) {
      var mine = index.post[key] = index.post[key] || {};
      Object.keys(values).forEach(function (v) { if (!mine[v]) mine[v] = decode(values[v]); });
    });
    return groups[file];
  }

  /* Fetches which documents have each value the filters offer, and every value of a group
     where a value not offered (from a shared address) is chosen. */
  function needFacets(chosen) {
    return Promise.all(index.facets.map(function (key) {
      return loadGroup(key, key).then(function () {
        var missing = (chosen[key] || []).some(function (v) { return !index.post[key][v]; });
        return missing ? loadGroup(key + '-all', key) : null;
      });
    })).then(function () { counted = true; });
  }

  function has(key, value, doc) {
    var docs = index.post[key] && index.post[key][value];
    return !!docs && docs.has(doc);
  }

  /* Fetches the document blocks that hold the given documents. */
  function needDocs(ids) {
    var wanted = {};
    ids.forEach(function (i) { wanted[Math.floor(i / index.block)] = 1; });
    return Promise.all(Object.keys(wanted).map(function (b) {
      if (!blocks[b]) blocks[b] = get('docs/' + b + '.json').then(function (docs) {
        docs.forEach(function (d, j) { index.docs[b * index.block + j] = d; });
      });
      return blocks[b];
    }));
  }

  function say(template, n) {
    statusEl.textContent = template.replace('{n}', n.toLocaleString(data.lang === 'th' ? 'th-TH' : 'en'));
  }

  /* Word-like pieces of the query, lowercased; adjacent Thai pieces (even across a space) are
     joined into runs so that a word boundary typed differently does not matter. */
  function pieces(text) {
    var raw = [];
    if (segmenter) {
      for (var s of segmenter.segment(text.toLowerCase())) if (s.isWordLike || WORD.test(s.segment)) raw.push(s.segment);
    } else {
      raw = text.toLowerCase().split(/[^\p{L}\p{M}\p{N}]+/u).filter(Boolean);
    }
    var out = [];
    raw.forEach(function (w) {
      var last = out.length - 1;
      if (THAI.test(w) && last >= 0 && THAI.test(out[last])) out[last] += w;
      else out.push(w);
    });
    return out;
  }

  /* Cuts a run of Thai into the fewest words the index knows; letters it does not know stay
     together as one piece that is matched inside longer words. */
  function cutThai(run) {
    var n = run.length, best = [0], from = [0];
    for (var i = 1; i <= n; i++) {
      best[i] = Infinity;
      for (var j = Math.max(0, i - thaiMax); j < i; j++) {
        var cost = best[j] + (index.terms[run.slice(j, i)] ? 1 : 100 * (i - j));
        if (cost < best[i]) { best[i] = cost; from[i] = j; }
      }
    }
    var words = [];
    for (var k = n; k > 0; k = from[k]) words.unshift(run.slice(from[k], k));
    var merged = [];
    words.forEach(function (w) {
      var last = merged.length - 1;
      if (!index.terms[w] && last >= 0 && !index.terms[merged[last]]) merged[last] += w;
      else merged.push(w);
    });
    return merged;
  }

  function tokens(text) {
    var out = [], all = pieces(text);
    all.forEach(function (p, i) {
      if (THAI.test(p)) out.push.apply(out, cutThai(p));
      // The index has no one-letter words (the e of e-services); only the word being typed may be one.
      else if (index.stop.indexOf(p) < 0 && (p.length > 1 || /\d/.test(p) || i === all.length - 1)) out.push(p);
    });
    return out;
  }

  /* The documents one query word finds: {doc: score}, and the index words it matched. */
  function lookup(word, last) {
    var hits = {}, matched = [];
    function add(term, factor) {
      var p = index.terms[term];
      matched.push(term);
      for (var i = 0; i < p.length; i += 2) hits[p[i]] = Math.max(hits[p[i]] || 0, p[i + 1] * factor);
    }
    var exact = index.terms[word] ? word : index.forms[word];
    if (exact) add(exact, 2);
    if (!exact || last) {
      var thai = THAI.test(word);
      Object.keys(index.terms).forEach(function (t) {
        if (t === exact) return;
        if (t.startsWith(word) && (word.length >= 2 || last)) add(t, 1);
        else if (!exact && thai && word.length >= 2 && t.indexOf(word) > 0) add(t, 1);
        // An English word the index has only in another form: budgeting → budget.
        else if (!exact && !thai && t.length >= 4 && word.startsWith(t) && word.length - t.length <= 3) add(t, 1);
      });
    }
    return { hits: hits, matched: matched };
  }

  function checked() {
    var chosen = {};
    filters.querySelectorAll('input:checked').forEach(function (box) {
      (chosen[box.name] = chosen[box.name] || []).push(box.value);
    });
    return chosen;
  }

  /* Whether document `doc` has one of the chosen values of every group but `skip`. */
  function passes(doc, chosen, skip) {
    return Object.keys(chosen).every(function (key) {
      if (key === skip) return true;
      return chosen[key].some(function (v) { return has(key, v, doc); });
    });
  }

  function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

  /* Appends text to el with every match wrapped in <mark>, without ever parsing HTML. */
  function marked(el, text, re) {
    var at = 0;
    if (re) text.replace(re, function (m, offset) {
      el.appendChild(document.createTextNode(text.slice(at, offset)));
      var mark = document.createElement('mark');
      mark.textContent = m;
      el.appendChild(mark);
      at = offset + m.length;
      return m;
    });
    el.appendChild(document.createTextNode(text.slice(at)));
  }

  /* Loads what the query and filters need, then shows the results (a newer query wins). */
  function run() {
    if (!index) return;
    var query = input.value.trim(), chosen = checked(), mine = ++generation;
    shown = PAGE;
    var faceted = Object.keys(chosen).length > 0;
    var needs = [needTerms(query)];
    // Filters need the facets before the results; a query alone shows its results first and
    // then the counts. Without a query or a filter the counts on the page are right.
    if (faceted) needs.push(needFacets(chosen));
    // Until what the query needs has come, the results shown are the last query's: say so.
    if (pending) statusEl.textContent = data.loading;
    Promise.all(needs).then(function () {
      if (mine !== generation) return;
      search(query, chosen);
      if (query && !counted) needFacets(chosen).then(function () { if (mine === generation) count(chosen); }).catch(failed);
    }).catch(failed);
  }

  /* Each count says how many results choosing that value would give, other filters kept. */
  function count(chosen) {
    var scores = last.scores;
    var inBase = function (i) { return scores ? i in scores : i < index.datasets; };
    filters.querySelectorAll('fieldset').forEach(function (group) {
      var key = group.dataset.facet;
      group.querySelectorAll('label').forEach(function (label) {
        var box = label.querySelector('input');
        var docs = (index.post[key] && index.post[key][box.value]) || new Set(), n = 0;
        docs.forEach(function (i) { if (inBase(i) && passes(i, chosen, key)) n++; });
        label.querySelector('[data-count]').textContent = n.toLocaleString(data.lang === 'th' ? 'th-TH' : 'en');
        label.hidden = n === 0 && !box.checked;
      });
    });
  }

  var last = null;
  function search(query, chosen) {
    var words = query ? tokens(query) : [];
    var scores = null, marks = [];
    words.forEach(function (w, i) {
      var found = lookup(w, i === words.length - 1);
      marks.push(w);
      marks.push.apply(marks, found.matched);
      var next = {};
      Object.keys(found.hits).forEach(function (d) {
        if (scores === null || d in scores) next[d] = (scores ? scores[d] : 0) + found.hits[d];
      });
      scores = next;
    });
    var faceted = Object.keys(chosen).length > 0;
    var base = [];
    if (scores !== null) base = Object.keys(scores).map(Number);
    // An empty query lists the datasets (they come first in the index).
    else for (var d = 0; d < index.datasets; d++) base.push(d);
    var results = base.filter(function (i) {
      return !faceted || passes(i, chosen);
    });
    results.sort(function (a, b) { return scores ? scores[b] - scores[a] || a - b : a - b; });
    var uniq = marks.filter(function (m, i) { return m && marks.indexOf(m) === i; });
    uniq.sort(function (a, b) { return b.length - a.length; });
    last = { query: query, faceted: faceted, results: results, scores: scores, re: uniq.length ? new RegExp(uniq.map(escapeRe).join('|'), 'gi') : null };
    if (counted) count(chosen);
    show();
    // The query and filters live in the address, so a search can be shared or bookmarked.
    var params = new URLSearchParams();
    if (query) params.set('q', query);
    Object.keys(chosen).sort().forEach(function (k) { chosen[k].forEach(function (v) { params.append(k, v); }); });
    var qs = params.toString();
    history.replaceState(null, '', qs ? '?' + qs : location.pathname);
    carryQuery(query);
  }

  /* The language switcher's links keep the query, so switching language does not lose it
     (the filters' values differ between languages and stay behind). */
  function carryQuery(query) {
    document.querySelectorAll('.langs a[href]').forEach(function (a) {
      var url = new URL(a.getAttribute('href'), location.href);
      if (query) url.searchParams.set('q', query);
      else url.searchParams.delete('q');
      a.setAttribute('href', url.pathname + url.search);
    });
  }

  /* Shows the first `shown` results, once their documents are loaded. */
  function show() {
    var mine = generation, page = last.results.slice(0, shown);
    var ready = needDocs(page);
    if (pending) statusEl.textContent = data.loading;
    ready.then(function () { if (mine === generation) draw(page); }).catch(failed);
  }

  function draw(page) {
    var results = last.results, re = last.re;
    list.textContent = '';
    page.forEach(function (i) {
      var doc = index.docs[i];
      var li = document.createElement('li');
      var h = document.createElement('h3');
      var a = document.createElement('a');
      a.href = doc.u;
      marked(a, doc.t, re);
      h.appendChild(a);
      li.appendChild(h);
      if (doc.a) {
        var meta = document.createElement('p');
        meta.className = 'meta';
        meta.textContent = doc.a;
        li.appendChild(meta);
      }
      if (doc.s) {
        var p = document.createElement('p');
        marked(p, doc.s, re);
        li.appendChild(p);
      }
      list.appendChild(li);
    });
    more.hidden = results.length <= page.length;
    // Which query the list shows, and that it is settled (busy from a keystroke or a filter
    // until the list that answers it is drawn).
    list.setAttribute('data-query', last.query);
    list.setAttribute('aria-busy', 'false');
    if (!last.query && !last.faceted) say(data.all, results.length);
    else if (results.length) say(results.length === 1 ? data.foundOne : data.found, results.length);
    else statusEl.textContent = data.none;
  }

  function failed() { statusEl.textContent = data.failed; }

  function links() { return Array.prototype.slice.call(list.querySelectorAll('a')); }

  var more = document.getElementById('more');
  more.addEventListener('click', function () { shown += PAGE; show(); });
  form.addEventListener('submit', function (e) { e.preventDefault(); run(); });
  function busy() { list.setAttribute('aria-busy', 'true'); }
  input.addEventListener('input', function () {
    busy();
    clearTimeout(timer);
    timer = setTimeout(run, 80);
    // The results shown are for the text before this change until the new ones are drawn.
    if (index) statusEl.textContent = data.loading;
  });
  filters.addEventListener('change', function () { busy(); run(); });
  form.addEventListener('keydown', function (e) {
    var all = links(), at = all.indexOf(document.activeElement);
    if (e.key === 'ArrowDown' && (e.target === input || at >= 0) && all.length) {
      e.preventDefault();
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (e.key === 'ArrowUp' && at >= 0) {
      e.preventDefault();
      (at === 0 ? input : all[at - 1]).focus();
    } else if (e.key === 'Escape' && at >= 0) {
      input.focus();
    }
  });
  document.addEventListener('keydown', function (e) {
    var tag = (e.target.tagName || '').toLowerCase();
    if (e.key === '/' && tag !== 'input' && tag !== 'textarea') { e.preventDefault(); input.focus(); }
  });

  var params = new URLSearchParams(location.search);
  input.value = params.get('q') || '';
  // The page offers each group's commonest values; one chosen in the address that is not
  // among them gets its own box, so that a shared search keeps every filter.
  filters.querySelectorAll('fieldset').forEach(function (group) {
    var name = group.dataset.facet;
    params.getAll(name).forEach(function (value) {
      var exists = Array.prototype.some.call(group.querySelectorAll('input'), function (box) { return box.value === value; });
      if (exists) return;
      var label = document.createElement('label'), box = document.createElement('input');
      var count = document.createElement('span'), n = document.createElement('span');
      box.type = 'checkbox';
      box.name = name;
      box.value = value;
      n.setAttribute('data-count', '');
      count.className = 'count';
      count.append('(', n, ')');
      label.append(box, ' ' + value + ' ', count);
      group.insertBefore(label, group.querySelector('p'));
    });
  });
  filters.querySelectorAll('input').forEach(function (box) {
    box.checked = params.getAll(box.name).indexOf(box.value) >= 0;
  });
  filters.hidden = false;
  statusEl.textContent = data.loading;
  fetch(data.index).then(function (r) { return r.json(); }).then(function (manifest) {
    index = manifest;
    index.terms = {};
    index.forms = {};
    index.docs = [];
    index.post = {};
    run();
  }).catch(failed);
})();
