// bigganviz studio page, Live panel: a running `bigganviz live` session's status (GET /api/live,
// read once a second) and its controls (POST /api/live/control, sent on by the studio as OSC).
// Uses studio.js's api, postJson, setStatus, thumbnailOf and state (the class grid's picks).
'use strict';

const live = { controls: [], status: null, sending: {}, touched: {}, shownPresets: '', names: {} };
// The sliders shown first; the other live numbers are under "more".
const LIVE_MAIN = ['truncation', 'pulse'];

function liveNumber(value, digits) {
  return value === null || value === undefined || !isFinite(value) ? '–' : Number(value).toFixed(digits);
}

async function liveSend(body) {
  try {
    const result = await postJson('/api/live/control', body);
    setStatus($('live-message'), 'sent ' + result.sent.map((m) => m.address + ' ' +
        m.values.join(' ')).join(', '));
  } catch (error) {
    setStatus($('live-message'), error.message, true);
  }
}

// At most one request per control in flight; the newest value waits and goes next.
function liveSendThrottled(name, value) {
  const slot = live.sending[name] || (live.sending[name] = { busy: false, next: null });
  slot.next = value;
  if (slot.busy) return;
  (async function drain() {
    slot.busy = true;
    while (slot.next !== null) {
      const v = slot.next;
      slot.next = null;
      await liveSend({ [name]: v });
    }
    slot.busy = false;
  })();
}

// The session's classes, each with its picture from the class grid's thumbnails (a blank until
// the studio has made it).
function liveClassChips(container, classes) {
  const key = JSON.stringify(classes || []);
  if (container.dataset.classes === key) return;
  container.dataset.classes = key;
  container.innerHTML = '';
  for (const id of classes || []) {
    const chip = document.createElement('span');
    chip.className = 'chip live-class';
    const picture = thumbnailOf({ id, thumbnail: true });
    picture.addEventListener('error', () => picture.replaceWith(thumbnailOf({ id, thumbnail: false })));
    chip.appendChild(picture);
    chip.appendChild(document.createTextNode(id + ' ' + (live.names[id] || '')));
    container.appendChild(chip);
  }
}

function liveSlider(control) {
  const label = document.createElement('label');
  label.className = 'live-slider';
  label.title = control.address + ': ' + control.help + '\n' + control.allowed;
  const name = document.createElement('span');
  name.textContent = control.name;
  const input = document.createElement('input');
  input.type = 'range';
  input.name = control.name;
  input.min = control.min;
  input.max = control.max;
  // Numbers slide freely ('any'): a step from the range would round 0.7 to the grid from min.
  input.step = control.kind === 'integer' ? 1 : 'any';
  const shown = document.createElement('output');
  const send = () => {
    live.touched[control.name] = Date.now();
    shown.textContent = liveNumber(input.value, control.kind === 'integer' ? 0 : 2);
    liveSendThrottled(control.name, Number(input.value));
  };
  input.addEventListener('input', send);
  label.append(name, input, shown);
  return label;
}

function liveBuildControls(controls) {
  live.controls = controls;
  const main = $('live-sliders');
  const more = $('live-more-sliders');
  main.innerHTML = '';
  more.innerHTML = '';
  for (const control of controls) {
    if (control.kind !== 'number' && control.kind !== 'integer') continue;
    (LIVE_MAIN.includes(control.name) ? main : more).appendChild(liveSlider(control));
  }
}

function liveShowPresets(presets) {
  const key = JSON.stringify(presets || []);
  if (key === live.shownPresets) return;
  live.shownPresets = key;
  const row = $('live-presets');
  row.innerHTML = '';
  (presets || []).forEach((classes, i) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondary';
    button.textContent = String(i + 1);
    button.title = 'preset ' + (i + 1) + ' (key ' + (i + 1) + ' in the window): ' + classes.join(' ');
    button.addEventListener('click', () => liveSend({ classes }));
    row.appendChild(button);
  });
}

function liveShow(answer) {
  live.status = answer.status;
  const running = answer.state === 'running';
  const words = { off: 'not connected', none: 'no session', running: 'running', ended: 'ended',
                  unreadable: 'status unreadable' };
  setStatus($('live-state'), words[answer.state] || answer.state, answer.state === 'unreadable');
  const help = $('live-help');
  if (answer.state === 'off')
    help.textContent = 'Start the studio with --live_status FILE and the session with ' +
        'bigganviz live --osc PORT --status_file FILE (docs/studio.md, "Live").';
  else if (!running)
    help.textContent = 'Waiting for bigganviz live --osc PORT --status_file ' + answer.status_file +
        (answer.error ? ' (' + answer.error + ')' : '');
  else help.textContent = '';
  $('live-view').hidden = !running;
  if (!running) return;
  const s = answer.status;
  $('live-fps').textContent = liveNumber(s.fps, 1) + ' / ' + liveNumber(s.target_fps, 0);
  $('live-latency').textContent = liveNumber(s.latency_p50_ms, 0) + ' / ' + liveNumber(s.latency_p95_ms, 0);
  $('live-dropped').textContent = s.dropped_frames;
  $('live-tempo').textContent = s.tempo_bpm > 0 ? liveNumber(s.tempo_bpm, 1) : '–';
  $('live-lock').textContent = s.tempo_bpm > 0 ? (s.beat_locked ? 'locked' : 'searching') : '–';
  $('live-osc').textContent = s.osc ? 'OSC ' + s.osc.host + ':' + s.osc.port : 'no OSC (--osc PORT)';
  const options = s.options || {};
  liveClassChips($('live-classes'), options.classes);
  liveShowPresets(s.presets);
  // A slider being moved keeps its value; the others follow the session.
  for (const input of document.querySelectorAll('#live input[type=range]')) {
    const value = options[input.name];
    if (value === null || value === undefined) continue;
    if (Date.now() - (live.touched[input.name] || 0) < 3000) continue;
    input.value = value;
    input.nextElementSibling.textContent = liveNumber(value, Number.isInteger(value) ? 0 : 2);
  }
}

async function liveRefresh() {
  try {
    const answer = await api('/api/live');
    if (!live.controls.length) {
      liveBuildControls(answer.controls);
      // Every class's name, once: the session's classes need not be in the grid's search.
      for (const c of (await api('/api/classes')).classes) live.names[c.id] = c.name;
    }
    liveShow(answer);
    // Without --live_status the studio never has a session: no need to ask again.
    if (answer.state === 'off') clearInterval(live.timer);
  } catch (error) {
    setStatus($('live-state'), error.message, true);
  }
}

$('live-send-picks').addEventListener('click', () => {
  if (!state.picks.length) return setStatus($('live-message'), 'pick classes in 2. Classes first', true);
  liveSend({ classes: state.picks.slice() });
});
$('live-random').addEventListener('click', async () => {
  const count = live.status && live.status.options && live.status.options.classes ?
      live.status.options.classes.length : 12;
  try {
    const result = await api('/api/classes/random?n=' + count);
    liveSend({ classes: result.classes });
  } catch (error) {
    setStatus($('live-message'), error.message, true);
  }
});
// With "send picks at once", the class grid drives the show: each pick is sent as it is made.
document.addEventListener('picks-changed', () => {
  if ($('live-follow-picks').checked && state.picks.length && live.status)
    liveSend({ classes: state.picks.slice() });
});

live.timer = setInterval(() => { if (!document.hidden) liveRefresh(); }, 1000);
liveRefresh();
