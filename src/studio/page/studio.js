// bigganviz studio page: talks to the studio's JSON API (docs/studio.md); no libraries, no network.
'use strict';

const token = new URLSearchParams(location.search).get('token') || '';
const $ = (id) => document.getElementById(id);
const state = { song: null, picks: [], options: [], names: {}, watchers: {} };
const MAX_CLASSES = 12;

function withToken(path) {
  if (!token) return path;
  return path + (path.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(token);
}

async function api(path, init = {}) {
  init.headers = Object.assign({}, init.headers || {});
  if (token) init.headers['Authorization'] = 'Bearer ' + token;
  const response = await fetch(path, init);
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = { error: text }; }
  if (!response.ok) throw new Error((body && body.error) || response.statusText);
  return body;
}

function postJson(path, body) {
  return api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' },
                     body: JSON.stringify(body) });
}

function setStatus(element, text, isError) {
  element.textContent = text;
  element.classList.toggle('error', !!isError);
}

function clock(seconds) {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) return '–';
  const s = Math.round(seconds);
  return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
}

// ---- 1. Song ----
async function uploadSong(file) {
  const status = $('song-status');
  setStatus(status, 'Uploading and analysing ' + file.name + '…');
  const form = new FormData();
  form.append('file', file, file.name);
  try {
    const song = await api('/api/songs', { method: 'POST', body: form });
    showSong(song);
    setStatus(status, 'Analysed ' + song.name + '.');
    loadSongList();
  } catch (error) {
    setStatus(status, error.message, true);
  }
}

function showSong(song) {
  state.song = song;
  $('song-view').hidden = false;
  const tempo = song.tempo ? song.tempo.toFixed(1) + ' BPM' : 'not analysed';
  $('song-facts').textContent = song.name + ' — duration ' + clock(song.duration) + ' (' +
      song.duration.toFixed(2) + ' s), ' + song.frames + ' frames at ' + song.fps.toFixed(2) +
      ' fps, tempo ' + tempo;
  $('song-player').src = withToken('/api/songs/' + song.id + '/audio');
  $('song-picture').src = withToken('/api/songs/' + song.id + '/features.png');
  updateCommand();
}

async function loadSongList() {
  const songs = await api('/api/songs');
  const select = $('song-list');
  select.innerHTML = '<option value="">—</option>';
  for (const song of songs) {
    const option = document.createElement('option');
    option.value = song.id;
    option.textContent = song.name + ' (' + clock(song.duration) + ')';
    if (state.song && song.id === state.song.id) option.selected = true;
    select.appendChild(option);
  }
}

$('song-file').addEventListener('change', (e) => { if (e.target.files[0]) uploadSong(e.target.files[0]); });
$('drop').addEventListener('dragover', (e) => { e.preventDefault(); $('drop').classList.add('over'); });
$('drop').addEventListener('dragleave', () => $('drop').classList.remove('over'));
$('drop').addEventListener('drop', (e) => {
  e.preventDefault();
  $('drop').classList.remove('over');
  if (e.dataTransfer.files[0]) uploadSong(e.dataTransfer.files[0]);
});
$('song-list').addEventListener('change', async (e) => {
  if (e.target.value) showSong(await api('/api/songs/' + e.target.value));
});

// ---- 2. Classes ----
let searchTimer = null;
let thumbTimer = null;

function thumbnailOf(c) {
  const picture = c.thumbnail ? document.createElement('img') : document.createElement('div');
  if (c.thumbnail) { picture.src = withToken('/api/classes/' + c.id + '/thumbnail.png'); picture.alt = ''; }
  else picture.className = 'blank';
  return picture;
}

let classQuery = 0;  // answers to older searches are dropped
async function loadClasses() {
  const query = $('class-search').value.trim();
  const asked = ++classQuery;
  const result = await api('/api/classes?q=' + encodeURIComponent(query));
  if (asked !== classQuery) return;
  const grid = $('class-grid');
  const ids = result.classes.map((c) => c.id).join(',');
  if (grid.dataset.ids === ids) {
    // The same tiles: only the thumbnails made since are filled in, so a tile being clicked stays.
    result.classes.forEach((c, i) => {
      const tile = grid.children[i];
      if (c.thumbnail && tile.querySelector('.blank')) tile.replaceChild(thumbnailOf(c), tile.firstChild);
    });
    showThumbnailProgress(result.thumbnails);
    return;
  }
  grid.dataset.ids = ids;
  grid.innerHTML = '';
  for (const c of result.classes) {
    state.names[c.id] = c.name;
    const tile = document.createElement('div');
    tile.className = 'cls' + (state.picks.includes(c.id) ? ' picked' : '');
    tile.dataset.id = c.id;
    tile.title = c.id + ': ' + c.name;
    tile.appendChild(thumbnailOf(c));
    tile.appendChild(document.createTextNode(c.id + ' ' + c.name));
    tile.addEventListener('click', () => togglePick(c.id));
    grid.appendChild(tile);
  }
  showThumbnailProgress(result.thumbnails);
}

function showThumbnailProgress(progress) {
  const text = progress.state === 'ready' ? '' :
      progress.state === 'failed' ? 'thumbnails: ' + progress.error :
      'making thumbnails ' + progress.done + ' / ' + progress.total;
  setStatus($('thumb-progress'), text, progress.state === 'failed');
  clearTimeout(thumbTimer);
  // The grid fills as the thumbnails come.
  if (progress.state === 'making' || progress.state === 'starting')
    thumbTimer = setTimeout(loadClasses, 3000);
}

function togglePick(id) {
  const at = state.picks.indexOf(id);
  if (at >= 0) state.picks.splice(at, 1);
  else if (state.picks.length < MAX_CLASSES) state.picks.push(id);
  showPicks();
}

function showPicks() {
  const chosen = $('chosen');
  chosen.innerHTML = '';
  for (const id of state.picks) {
    const chip = document.createElement('span');
    chip.className = 'chip';
    chip.textContent = id + ' ' + (state.names[id] || '') + ' ×';
    chip.addEventListener('click', () => togglePick(id));
    chosen.appendChild(chip);
  }
  for (const tile of document.querySelectorAll('.cls'))
    tile.classList.toggle('picked', state.picks.includes(Number(tile.dataset.id)));
  $('class-count').textContent = state.picks.length ?
      '(' + state.picks.length + ' of at most ' + MAX_CLASSES + ')' : '(none chosen: random)';
  updateCommand();
}

$('class-search').addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(loadClasses, 200);
});
$('class-clear').addEventListener('click', () => { state.picks = []; showPicks(); });
$('class-random').addEventListener('click', async () => {
  const count = Number(optionValue('num_classes') || 12);
  const result = await api('/api/classes/random?n=' + count);
  state.picks = result.classes;
  showPicks();
});
$('lyrics-file').addEventListener('change', async (e) => {
  if (e.target.files[0]) $('lyrics-text').value = await e.target.files[0].text();
});
$('lyrics-go').addEventListener('click', async () => {
  const table = $('lyrics-result');
  table.innerHTML = '<tr><td>choosing…</td></tr>';
  try {
    const result = await postJson('/api/lyrics/classes', {
      lyrics: $('lyrics-text').value, num_classes: Number(optionValue('num_classes') || 12),
      encoding_strategy: optionValue('encoding_strategy') || 'best' });
    table.innerHTML = '<tr><th>id</th><th>class</th><th>similarity</th></tr>';
    for (const c of result.classes) {
      state.names[c.id] = c.name;
      const row = table.insertRow();
      row.insertCell().textContent = c.id;
      row.insertCell().textContent = c.name;
      row.insertCell().textContent = c.similarity.toFixed(3);
    }
    state.picks = result.classes.map((c) => c.id);
    showPicks();
  } catch (error) {
    table.innerHTML = '';
    table.insertRow().insertCell().textContent = error.message;
  }
});

// ---- 3. Look: every render option a page may set, from the render option table ----
async function loadOptions() {
  const table = await api('/api/options');
  state.options = table.options;
  const form = $('options');
  for (const option of table.options) {
    if (option.name === 'classes') continue;  // the class grid sets them
    const label = document.createElement('label');
    const name = document.createElement('span');
    name.textContent = option.name;
    label.title = '--' + option.name + ': ' + option.help +
        (option.default ? '\ndefault: ' + option.default : '') + '\n' + option.allowed;
    label.appendChild(name);
    let input;
    if (option.choices.length) {
      input = document.createElement('select');
      // A default that depends on other options (pix_fmt: the codec's) is no choice of its own:
      // an empty first entry leaves the option unset.
      if (!option.choices.includes(option.default)) {
        const unset = document.createElement('option');
        unset.value = '';
        unset.textContent = option.default ? 'default' : '—';  // the tooltip says which
        input.appendChild(unset);
      }
      for (const choice of option.choices) {
        const item = document.createElement('option');
        item.value = item.textContent = choice;
        if (choice === option.default) item.selected = true;
        input.appendChild(item);
      }
    } else if (option.kind === 'flag') {
      input = document.createElement('input');
      input.type = 'checkbox';
    } else {
      input = document.createElement('input');
      input.type = option.kind === 'text' ? 'text' : 'number';
      if (option.min !== null) input.min = option.min;
      if (option.max !== null) input.max = option.max;
      input.step = option.kind === 'integer' ? (option.multiple_of || 1) : 'any';
      input.placeholder = option.default || '';
    }
    input.name = option.name;
    input.dataset.default = option.default;
    input.addEventListener('input', updateCommand);
    input.addEventListener('change', updateCommand);
    label.appendChild(input);
    form.appendChild(label);
  }
}

function optionValue(name) {
  const input = $('options').elements[name];
  if (!input) return '';
  return input.type === 'checkbox' ? input.checked : input.value;
}

// The options that differ from the defaults, with the command line's long names.
function chosenOptions() {
  const options = {};
  for (const option of state.options) {
    const input = $('options').elements[option.name];
    if (!input) continue;
    if (input.type === 'checkbox') { if (input.checked) options[option.name] = true; continue; }
    const value = input.value.trim();
    if (value === '' || value === option.default) continue;
    options[option.name] = option.kind === 'integer' || option.kind === 'number' ? Number(value) : value;
  }
  if (state.picks.length) {
    options.classes = state.picks.slice();
    options.num_classes = state.picks.length;
  }
  return options;
}

function updateCommand() {
  const words = ['bigganviz', '-s', state.song ? state.song.name : 'SONG'];
  for (const [name, value] of Object.entries(chosenOptions())) {
    if (value === true) words.push('--' + name);
    else if (Array.isArray(value)) words.push('--' + name, ...value.map(String));
    else words.push('--' + name, String(value));
  }
  $('command').textContent = words.join(' ');
}

// ---- 4. Preview and 5. Render ----
const FINAL = ['done', 'failed', 'cancelled'];

// One event stream for every render (GET /api/events): however many renders are queued, the page
// holds one connection for their progress. EventSource reconnects by itself; each (re)connection
// reloads the list, so nothing missed while it was away stays missing.
function openEvents() {
  const events = new EventSource(withToken('/api/events'));
  events.onopen = () => { loadRenders().catch(() => {}); };
  events.onmessage = (message) => {
    const job = JSON.parse(message.data);
    if (job.state === 'deleted') {
      const row = document.querySelector('#render-list tr[data-id="' + job.id + '"]');
      if (row) row.remove();
      delete state.watchers[job.id];
      return;
    }
    renderRow(job);
    notify(job);
  };
}

function notify(job) {
  const watcher = state.watchers[job.id];
  if (!watcher) return;
  if (FINAL.includes(job.state)) delete state.watchers[job.id];
  watcher(job);
}

// Calls onUpdate with each change of render `id` until it is final.
async function follow(id, onUpdate) {
  state.watchers[id] = onUpdate;
  // The render may have changed before the watcher was set: its state now, once.
  notify(await api('/api/renders/' + id));
}

function percent(job) {
  return job.frames_total ? Math.floor(100 * job.frames_done / job.frames_total) : 0;
}

$('preview-go').addEventListener('click', async () => {
  const status = $('preview-status');
  if (!state.song) return setStatus(status, 'choose a song first', true);
  try {
    const job = await postJson('/api/previews', { song: state.song.id, options: chosenOptions(),
                                                  seconds: Number($('preview-seconds').value),
                                                  start: Number($('preview-start').value || 0) });
    setStatus(status, 'queued');
    follow(job.id, (update) => {
      if (update.state === 'done') {
        setStatus(status, 'done: ' + update.frames_total + ' frames');
        const video = $('preview-video');
        video.src = withToken('/api/renders/' + update.id + '/video.mp4');
        video.play().catch(() => {});
      } else if (update.state === 'failed') setStatus(status, update.error, true);
      else setStatus(status, update.state + ' ' + percent(update) + '%');
    });
  } catch (error) {
    setStatus(status, error.message, true);
  }
});

$('render-go').addEventListener('click', async () => {
  if (!state.song) return alert('choose a song first');
  try {
    await postJson('/api/renders', { song: state.song.id, options: chosenOptions() });
    loadRenders();
  } catch (error) {
    alert(error.message);
  }
});

function renderRow(job) {
  let row = document.querySelector('#render-list tr[data-id="' + job.id + '"]');
  if (!row) {
    row = document.createElement('tr');
    row.dataset.id = job.id;
    for (let i = 0; i < 5; ++i) row.insertCell();
    $('render-list').tBodies[0].appendChild(row);
  }
  row.dataset.state = job.state;
  row.cells[0].textContent = job.kind === 'preview' ? job.state + ' (preview)' : job.state;
  row.cells[1].textContent = job.song_name || job.song;
  const p = percent(job);
  const rate = job.rate ? job.rate.toFixed(2) + ' frames/s, ETA ' + clock(job.eta) : '';
  row.cells[2].innerHTML = '';
  const bar = document.createElement('progress');
  bar.max = 100;
  bar.value = p;
  row.cells[2].appendChild(bar);
  const text = document.createElement('span');
  text.className = 'percent';
  text.textContent = ' ' + p + '% (' + job.frames_done + ' / ' + job.frames_total + ') ' + rate +
      (job.error ? ' ' + job.error : '');
  row.cells[2].appendChild(text);
  row.cells[3].innerHTML = '';
  const command = document.createElement('code');
  command.textContent = job.command;
  row.cells[3].appendChild(command);
  row.cells[4].innerHTML = '';
  const button = (label, action) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.className = 'secondary';
    b.addEventListener('click', action);
    row.cells[4].appendChild(b);
  };
  if (job.state === 'done') {
    const link = document.createElement('a');
    const file = job.video || 'video.mp4';  // .mov for ProRes, .mkv for FFV1
    link.href = withToken('/api/renders/' + job.id + '/' + file);
    link.download = 'bigganviz-' + job.id + file.slice(file.lastIndexOf('.'));
    link.textContent = 'download ';
    row.cells[4].appendChild(link);
  }
  if (job.state === 'queued' || job.state === 'running')
    button('cancel', () => api('/api/renders/' + job.id + '/cancel', { method: 'POST' }));
  button('delete', async () => { await api('/api/renders/' + job.id, { method: 'DELETE' }); row.remove(); });
}

async function loadRenders() {
  const jobs = await api('/api/renders');
  for (const job of jobs) renderRow(job);
  if (jobs.length) $('command').textContent = jobs[0].command;
}

(async function start() {
  try {
    await loadOptions();
    await Promise.all([loadClasses(), loadSongList(), loadRenders()]);
    updateCommand();
    openEvents();
  } catch (error) {
    setStatus($('song-status'), 'cannot reach the studio: ' + error.message, true);
  }
})();
