"""Writes tests/features/data/librosa_cut/: librosa 0.10.2's features of the first 3 s of
chords_120bpm.wav (what `bigganviz analyze -d 3` must give), with the same calls as
make_audio_fixtures.py but librosa.load(..., duration=3.0). Arrays are float32, C order.
Run from the repository root with Debian's python3 and LIBROSA_ORACLE=<folder made by
setup_librosa.sh>:

    LIBROSA_ORACLE=/tmp/librosa_oracle /usr/bin/python3 tests/features/data/scripts/make_cut_fixtures.py
"""
import json, os, sys
import numpy as np
oracle = os.environ["LIBROSA_ORACLE"]; sys.path[:0] = [os.path.join(oracle, "shim"), oracle]
import librosa

AUDIO = os.path.join("tests", "audio", "data", "chords_120bpm.wav")
OUT = os.path.join("tests", "features", "data", "librosa_cut")
SECONDS = 3.0
os.makedirs(OUT, exist_ok=True)
y, _ = librosa.load(AUDIO, sr=22050, duration=SECONDS)
manifest = {"librosa_version": librosa.__version__, "file": "chords_120bpm.wav", "seconds": SECONDS,
            "calls": {"load": f"librosa.load(path, sr=22050, mono=True, duration={SECONDS})",
                      "mel": "librosa.feature.melspectrogram(y=y, sr=22050, n_mels=128, fmax=8000, hop_length=hop)",
                      "chroma": "librosa.feature.chroma_cqt(y=y, sr=22050, hop_length=hop)",
                      "spec_mean": "m = mel.mean(axis=0); (m - m.min()) / np.ptp(m)",
                      "grad_mean": "g = np.gradient(mel.mean(axis=0)); np.clip(g / g.max(), 0, None)",
                      "chromasort": "np.argsort(chroma.mean(axis=1))[::-1]"},
            "samples_at_22050": int(len(y)), "hops": {}}
for hop in (512, 256, 1024):
    S = librosa.feature.melspectrogram(y=y, sr=22050, n_mels=128, fmax=8000, hop_length=hop)
    C = librosa.feature.chroma_cqt(y=y, sr=22050, hop_length=hop)
    m = S.mean(axis=0); g = np.gradient(m)
    arrays = {"mel": S, "chroma": C, "spec_mean": (m - m.min()) / np.ptp(m),
              "grad_mean": np.clip(g / g.max(), 0, None)}
    for name, array in arrays.items():
        np.save(os.path.join(OUT, f"hop{hop}__{name}.npy"), np.ascontiguousarray(array, dtype=np.float32))
    manifest["hops"][str(hop)] = {"frames": int(S.shape[1]),
                                  "chromasort": [int(i) for i in np.argsort(C.mean(axis=1))[::-1]]}
    print(hop, S.shape, C.shape, flush=True)
json.dump(manifest, open(os.path.join(OUT, "manifest.json"), "w"), indent=1)
