"""Times librosa 0.10.2's rhythm calls (those of compute_rhythm, as make_rhythm_fixtures.py makes
them) on a float32 .npy of mono samples at 22050 Hz, for bench_features.
Run with Debian's python3 and LIBROSA_ORACLE=<folder made by setup_librosa.sh>:
    librosa_rhythm_time.py SAMPLES.npy HOP
Prints one JSON object: wall and CPU seconds (all threads) per step, after a warm-up on the first
5 s that compiles librosa's numba functions, and their totals."""
import json, os, sys, time, warnings
import numpy as np

oracle = os.environ["LIBROSA_ORACLE"]
sys.path[:0] = [os.path.join(oracle, "shim"), oracle]
import librosa  # noqa: E402

SR = 22050


def rhythm(y, hop, times):
    def timed(name, call):
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        spent = times.setdefault(name, [0.0, 0.0])
        spent[0] += time.perf_counter() - wall
        spent[1] += time.process_time() - cpu
        return result

    y_h, y_p = timed("hpss", lambda: librosa.effects.hpss(y))
    env = timed("onset_strength", lambda: librosa.onset.onset_strength(y=y, sr=SR, hop_length=hop))
    timed("onset_strength", lambda: librosa.onset.onset_strength(y=y_p, sr=SR, hop_length=hop))
    timed("beat_track", lambda: librosa.beat.beat_track(onset_envelope=env, sr=SR, hop_length=hop))
    timed("onset_detect", lambda: librosa.onset.onset_detect(onset_envelope=env, sr=SR, hop_length=hop))
    timed("plp", lambda: librosa.beat.plp(onset_envelope=env, sr=SR, hop_length=hop))
    for part in (y, y_h, y_p):
        timed("rms", lambda: librosa.feature.rms(y=part, hop_length=hop))
    timed("chroma_cqt", lambda: librosa.feature.chroma_cqt(y=y_h, sr=SR, hop_length=hop))


def main():
    warnings.simplefilter("ignore")  # stft's "n_fft too large" for the warm-up's short PLP
    y = np.load(sys.argv[1]).astype(np.float32)
    hop = int(sys.argv[2])
    rhythm(y[: SR * 5], hop, {})  # warm-up: numba compiles, FFT caches fill
    times = {}
    rhythm(y, hop, times)
    wall = {name: spent[0] for name, spent in times.items()}
    cpu = {name: spent[1] for name, spent in times.items()}
    wall["total"], cpu["total"] = sum(wall.values()), sum(cpu.values())
    print(json.dumps({"librosa": librosa.__version__, "wall": wall, "cpu": cpu}))


main()
