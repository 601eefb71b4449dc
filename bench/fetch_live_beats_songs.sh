#!/usr/bin/env bash
# Fetches bench_live_beats' songs from Debian's archive into a cache folder (nothing is committed):
# each package with `apt-get download`, the one file taken out of it, and the package's copyright
# file beside it. Usage: bench/fetch_live_beats_songs.sh [FOLDER]; the default is the bench's
# ($BGV_LIVE_BEATS_SONGS, else ${XDG_CACHE_HOME:-~/.cache}/bigganviz/live-beats-songs). Safe to run
# again: files already there are kept. bench/README.md lists licences and copyright holders.
set -euo pipefail

folder=${1:-${BGV_LIVE_BEATS_SONGS:-${XDG_CACHE_HOME:-$HOME/.cache}/bigganviz/live-beats-songs}}
mkdir -p "$folder/debs" "$folder/copyright"

# name in the cache | Debian package | the file inside the package
songs=(
    "chaos_god.ogg|fretsonfire-songs-muldjord|usr/share/games/fretsonfire/data/songs/muldjord/chaos_god/song.ogg"
    "war_of_freedom.ogg|fretsonfire-songs-sectoid|usr/share/games/fretsonfire/data/songs/sectoid/War of freedom/song.ogg"
    "mainzik_2p.ogg|frozen-bubble-data|usr/share/games/frozen-bubble/snd/frozen-mainzik-2p.ogg"
    "city_blues.ogg|lincity-ng-data|usr/share/games/lincity-ng/music/default/02 - Robert van Herk - City Blues.ogg"
    "lincity.ogg|lincity-ng-data|usr/share/games/lincity-ng/music/default/01 - pronobozo - lincity.ogg"
    "big_march.it|pingus-data|usr/share/games/pingus/data/music/the_big_march_in_space.it"
    "armygeddon.ogg|fretsonfire-songs-muldjord|usr/share/games/fretsonfire/data/songs/muldjord/armygeddon/song.ogg"
    "chaosland.ogg|fretsonfire-songs-sectoid|usr/share/games/fretsonfire/data/songs/sectoid/Escape from chaosland/song.ogg"
    "introzik.ogg|frozen-bubble-data|usr/share/games/frozen-bubble/snd/introzik.ogg"
    "goin_march.it|pingus-data|usr/share/games/pingus/data/music/goin_march.it"
    "contemplations.ogg|lincity-ng-data|usr/share/games/lincity-ng/music/default/03 - Robert van Herk - Architectural Contemplations.ogg"
    "drascula_track2.ogg|drascula-music|usr/share/scummvm/drascula/audio/track2.ogg"
)

for entry in "${songs[@]}"; do
    IFS='|' read -r name package path <<<"$entry"
    [[ -s $folder/$name ]] && continue
    deb=$(ls "$folder/debs/${package}_"*.deb 2>/dev/null | head -n 1 || true)
    if [[ -z $deb ]]; then
        (cd "$folder/debs" && apt-get download -q "$package")
        deb=$(ls "$folder/debs/${package}_"*.deb | head -n 1)
    fi
    dpkg-deb --fsys-tarfile "$deb" | tar -xO "./$path" >"$folder/$name.part"
    mv "$folder/$name.part" "$folder/$name"
    dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/share/doc/$package/copyright" \
        >"$folder/copyright/$package" || true
    echo "$name: $package $(basename "$deb" .deb | cut -d_ -f2), $path"
done
rm -rf "$folder/debs"  # the packages are not needed once their files are out
(cd "$folder" && sha256sum -- *.ogg *.it)
