#!/usr/bin/python3
"""Copies the librosa 0.10.2 reference outputs that tests/features needs from the
shared fixtures (shared/fixtures/librosa) into tests/features/data, rewriting each .npy in
C order (librosa saves chroma Fortran-ordered; core/npy reads C order only). Values are unchanged.

Usage: /usr/bin/python3 tools/copy_features_fixtures.py [/path/to/shared/fixtures]
"""
import json
import pathlib
import sys

import numpy as np

# Audio files whose references the tests compare with (the audio itself is tests/audio/data, the
# audio module's copy of the same fixtures), and the hops used.
FILES = {
    "chords_120bpm.wav": ["512", "256", "1024"],
    "all_silence_2s.wav": ["512"],
    "short_0p3s.wav": ["512"],
    "silence_then_a440_48k.wav": ["512"],
    "stereo_sweep_noise_44k.flac": ["512"],
    "chords_120bpm.mp3": ["512"],
    "chords_120bpm.m4a": ["512"],
    "trumpet.ogg": ["512"],
    "brahms_hungarian_dance_5.ogg": ["512"],
}


def main():
    shared = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/fixtures")
    out = pathlib.Path(__file__).resolve().parent.parent / "tests" / "features" / "data"
    (out / "librosa").mkdir(parents=True, exist_ok=True)
    manifest = json.loads((shared / "librosa" / "manifest.json").read_text())
    kept = {"librosa_version": manifest["librosa_version"], "calls": manifest["calls"], "files": {}}
    for name, hops in FILES.items():
        entry = manifest["files"][name]
        kept_entry = {"samples_at_22050": entry["samples_at_22050"], "hops": {}}
        for hop in hops:
            outputs = entry["hops"][hop]
            kept_entry["hops"][hop] = outputs
            for key in ("mel", "chroma", "spec_mean", "grad_mean"):
                if key in outputs:
                    array = np.load(shared / "librosa" / outputs[key])
                    np.save(out / "librosa" / outputs[key], np.ascontiguousarray(array))
        kept["files"][name] = kept_entry
    (out / "librosa" / "manifest.json").write_text(json.dumps(kept, indent=1) + "\n")


if __name__ == "__main__":
    main()
