// The studio page in headless Chromium: upload a song, search "dog", pick two classes, preview
// and watch a second of it play, queue a render and see it reach 100%; then, at a phone's width,
// the Live panel of a session this script stands in for (its status file and its OSC port on
// 127.0.0.1): the status shown, a preset and a slider arriving as OSC. A screenshot per step.
import puppeteer from 'puppeteer-core';
import path from 'node:path';
import fs from 'node:fs';
import dgram from 'node:dgram';

const url = process.env.STUDIO_URL;
const shots = process.env.SCREENSHOTS;
const step = (message) => console.log(new Date().toISOString(), message);

// An OSC message's address, type tags and int32/float32 arguments (big-endian, 4-byte padded).
function decodeOsc(packet) {
  let at = 0;
  const text = () => {
    const end = packet.indexOf(0, at);
    const value = packet.toString('ascii', at, end);
    at = (end + 4) & ~3;
    return value;
  };
  const address = text();
  const types = text().slice(1);
  const values = [];
  for (const type of types) {
    if (type === 'i') values.push(packet.readInt32BE(at));
    else if (type === 'f') values.push(packet.readFloatBE(at));
    else throw new Error('unexpected OSC type ' + type);
    at += 4;
  }
  return { address, types, values };
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required', '--disable-gpu'],
});
let failed = false;
const page = await browser.newPage();
try {
  await page.setViewport({ width: 1280, height: 1000 });
  page.on('pageerror', (error) => { console.error('page error:', error.message); failed = true; });
  const shot = (name) => page.screenshot({ path: path.join(shots, name), fullPage: true });

  step('open the page');
  // Not 'networkidle0': the page keeps its one event stream (GET /api/events) open.
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('#options label');
  await shot('1-page.png');

  step('upload the song');
  const input = await page.$('#song-file');
  await input.uploadFile(process.env.SONG);
  await page.waitForFunction(() => !document.getElementById('song-view').hidden &&
      document.getElementById('song-picture').complete &&
      document.getElementById('song-picture').naturalWidth > 0, { timeout: 60000 });
  const facts = await page.$eval('#song-facts', (e) => e.textContent);
  if (!facts.includes('chords_3s.wav') || !facts.includes('duration 0:03'))
    throw new Error('song facts: ' + facts);
  await shot('2-song.png');

  step('search "dog" and pick two classes');
  await page.type('#class-search', 'dog');
  await page.waitForFunction(() => {
    const tiles = [...document.querySelectorAll('.cls')];
    return tiles.length > 2 && tiles.every((t) => t.textContent.toLowerCase().includes('dog'));
  });
  // Wait for the thumbnails of the first tiles (made in the background by the model).
  await page.waitForFunction(() => document.querySelectorAll('.cls img').length > 2 &&
      [...document.querySelectorAll('.cls img')].slice(0, 2).every((i) => i.complete && i.naturalWidth > 0),
      { timeout: 120000 });
  const tiles = await page.$$('.cls');
  await tiles[0].click();
  await tiles[1].click();
  await page.waitForFunction(() => document.querySelectorAll('#chosen .chip').length === 2);
  await shot('3-classes.png');

  step('set the look: frame length 2048, seed 5, aspect 16:9');
  const setOption = async (name, value) => {
    await page.$eval(`#options [name="${name}"]`, (e, v) => {
      e.value = v;
      e.dispatchEvent(new Event('input'));
    }, value);
  };
  await setOption('frame_length', '2048');
  await setOption('seed', '5');
  await setOption('aspect', '16:9');
  const command = await page.$eval('#command', (e) => e.textContent);
  // pix_fmt's default depends on the codec: left unset, it is no word of the command.
  if (!command.includes('--frame_length 2048') || !command.includes('--classes') ||
      !command.includes('--aspect 16:9') || command.includes('--pix_fmt'))
    throw new Error('command line: ' + command);
  const tooltip = await page.$eval('#options [name="pitch_sensitivity"]', (e) => e.parentElement.title);
  if (!tooltip.includes('200') || !tooltip.includes('295')) throw new Error('tooltip: ' + tooltip);
  await shot('4-look.png');

  step('preview and play a second of it, 16:9 (224 x 128)');
  await page.$eval('#preview-seconds', (e) => { e.value = '3'; });
  await page.click('#preview-go');
  await page.waitForFunction(() => {
    const v = document.getElementById('preview-video');
    if (v.currentSrc && v.paused && v.readyState >= 2) v.play().catch(() => {});
    return v.currentTime >= 1;
  }, { timeout: 180000, polling: 200 });
  await page.$eval('#preview-video', (v) => v.pause());
  const size = await page.$eval('#preview-video', (v) => v.videoWidth + 'x' + v.videoHeight);
  if (size !== '224x128') throw new Error('preview size: ' + size);
  await shot('5-preview.png');

  step('queue the render and wait for 100%');
  await page.click('#render-go');
  await page.waitForFunction(() => [...document.querySelectorAll('#render-list tr[data-id]')].some(
      (row) => !row.cells[0].textContent.includes('preview') && row.dataset.state === 'done' &&
               row.querySelector('progress').value === 100 &&
               row.querySelector('.percent').textContent.includes('100%')),
      { timeout: 300000, polling: 250 });
  await shot('6-render.png');

  step('the Live panel at a phone\'s width drives a session');
  const osc = dgram.createSocket('udp4');
  const received = [];
  let onMessage = null;
  osc.on('message', (packet) => { received.push(decodeOsc(packet)); if (onMessage) onMessage(); });
  await new Promise((resolve) => osc.bind(0, '127.0.0.1', resolve));
  const nextMessage = () => new Promise((resolve, reject) => {
    const take = () => { if (received.length) { onMessage = null; resolve(received.shift()); return true; } return false; };
    if (take()) return;
    const timer = setTimeout(() => reject(new Error('no OSC message from the studio')), 30000);
    onMessage = () => { if (take()) clearTimeout(timer); };
  });
  const before = await page.$eval('#live-state', (e) => e.textContent);
  if (before !== 'no session') throw new Error('Live panel before the session: ' + before);
  const presets = [[207, 980], [1, 2], [3, 4, 5]];
  const status = { pid: process.pid, input: 'pulse', osc: { host: '127.0.0.1', port: osc.address().port },
    seconds: 83, fps: 23.9, target_fps: 24, latency_p50_ms: 78, latency_p95_ms: 100, dropped_frames: 2,
    audio_overruns: 0, tempo_bpm: 124.8, beat_locked: true,
    options: { classes: [207, 980], truncation: 0.4, pulse: 0.5 }, presets };
  fs.writeFileSync(process.env.LIVE_STATUS + '.tmp', JSON.stringify(status));
  fs.renameSync(process.env.LIVE_STATUS + '.tmp', process.env.LIVE_STATUS);
  await page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true });
  await page.waitForFunction(() => !document.getElementById('live-view').hidden &&
      document.getElementById('live-fps').textContent.includes('23.9') &&
      document.querySelectorAll('#live-presets button').length === 3, { timeout: 30000 });
  const tempo = await page.$eval('#live-tempo', (e) => e.textContent);
  if (tempo !== '124.8') throw new Error('tempo shown: ' + tempo);
  await page.waitForFunction(() => document.getElementById('live-classes').textContent.includes('volcano'));
  // Nothing wider than the phone's screen.
  const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
      .map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '') +
                  ' ' + Math.round(e.getBoundingClientRect().right) + ' px'));
  if (wide.length) throw new Error('wider than a 390 px screen: ' + wide.slice(0, 8).join(', '));
  await page.$eval('#live', (e) => e.scrollIntoView());
  await (await page.$('#live')).screenshot({ path: path.join(shots, '7-live-phone.png') });
  await page.click('#live-presets button:nth-child(2)');
  let message = await nextMessage();
  if (message.address !== '/bigganviz/classes' || message.types !== 'ii' ||
      JSON.stringify(message.values) !== '[1,2]')
    throw new Error('preset 2 sent ' + JSON.stringify(message));
  await page.$eval('#live-sliders input[name="truncation"]', (e) => {
    e.value = '0.7';
    e.dispatchEvent(new Event('input'));
  });
  message = await nextMessage();
  if (message.address !== '/bigganviz/truncation' || message.types !== 'f' ||
      Math.abs(message.values[0] - 0.7) > 1e-6)  // a 32-bit float of 0.7
    throw new Error('the truncation slider sent ' + JSON.stringify(message));
  osc.close();
  step('all steps passed');
} catch (error) {
  console.error('FAILED:', error.message);
  await page.screenshot({ path: path.join(shots, 'failure.png'), fullPage: true }).catch(() => {});
  failed = true;
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
