// The studio page in headless Chromium: upload a song, search "dog", pick two classes, preview
// and watch a second of it play, queue a render and see it reach 100%. A screenshot per step.
import puppeteer from 'puppeteer-core';
import path from 'node:path';

const url = process.env.STUDIO_URL;
const shots = process.env.SCREENSHOTS;
const step = (message) => console.log(new Date().toISOString(), message);

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
  step('all steps passed');
} catch (error) {
  console.error('FAILED:', error.message);
  await page.screenshot({ path: path.join(shots, 'failure.png'), fullPage: true }).catch(() => {});
  failed = true;
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
