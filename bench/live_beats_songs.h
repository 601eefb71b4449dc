// bench/live_beats_songs: the songs bench_live_beats measures: free game and demo music packaged
// by Debian (bench/fetch_live_beats_songs.sh puts them in a cache folder), and the test fixtures.
#pragma once

#include <array>
#include <string_view>

namespace bgv::bench {

struct BenchSong {
    std::string_view name;     // the file's name in the cache folder, without extension
    std::string_view file;     // name.extension, as the fetch script writes it
    std::string_view package;  // Debian 12 package
    std::string_view style;    // from the source and titles, not from listening
    bool held_out = false;     // not looked at while the tracker's parameters were chosen
};

// bench/README.md gives each one's path in its package, licence and copyright holder; keep the
// two lists and bench/fetch_live_beats_songs.sh in step.
inline constexpr std::array<BenchSong, 12> kBenchSongs = {{
    {"chaos_god", "chaos_god.ogg", "fretsonfire-songs-muldjord", "metal guitar song", false},
    {"war_of_freedom", "war_of_freedom.ogg", "fretsonfire-songs-sectoid", "rock guitar song",
     false},
    {"mainzik_2p", "mainzik_2p.ogg", "frozen-bubble-data", "arcade game theme", false},
    {"city_blues", "city_blues.ogg", "lincity-ng-data", "blues", false},
    {"lincity", "lincity.ogg", "lincity-ng-data", "electronic", false},
    {"big_march", "big_march.it", "pingus-data", "tracker module march", false},
    {"armygeddon", "armygeddon.ogg", "fretsonfire-songs-muldjord", "metal guitar song", true},
    {"chaosland", "chaosland.ogg", "fretsonfire-songs-sectoid", "rock guitar song", true},
    {"introzik", "introzik.ogg", "frozen-bubble-data", "arcade game intro", true},
    {"goin_march", "goin_march.it", "pingus-data", "tracker module march", true},
    {"contemplations", "contemplations.ogg", "lincity-ng-data", "game score", true},
    {"drascula_track2", "drascula_track2.ogg", "drascula-music", "adventure game score", true},
}};

// Fixtures in tests/audio/data, measured with the songs.
// (trumpet.ogg, 5 s, has no beat after the first 5 s to score.)
inline constexpr std::array<std::string_view, 3> kFixtureSongs = {
    "race1-jt.ogg", "chords_120bpm.wav", "brahms_hungarian_dance_5.ogg"};

}  // namespace bgv::bench
