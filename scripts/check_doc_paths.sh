#!/usr/bin/env bash
# Every file path that the code, tests, tools and docs cite must exist in the repository, so that
# whoever clones it can read what a comment points to. Usage: scripts/check_doc_paths.sh [ROOT]
# (default: this repository). Looks in src/, tests/, tools/, docs/, bench/, scripts/, fuzz/ and
# README.md for words that start with one of the repository's top folders (docs/design.md,
# tools/choreo_reference.py, tests/render/data/, src/core/log.h ...) and are not the tail of a
# longer path. A word is found from the repository's root or, failing that, from the citing file's
# folder (a test citing its own "data/" folder); a word without an extension may name the start of
# file names (an output prefix, "tests/support/numeric" for numeric.h). Skipped: words with a
# placeholder (<module>, {128,256}, *, $VAR, NAME) and lines that name a path in the build folder
# (BGV_BINARY_DIR). A document named without its folder ("see design.md") must be some file of
# that name in the repository. Prints each missing path as FILE:LINE: PATH; exits 1 if there is
# any.
set -euo pipefail
root=${1:-"$(cd "$(dirname "$0")/.." && pwd)"}
cd "$root"

prefixes='docs|src|tests|tools|bench|scripts|fuzz|data|cmake'
path_pattern="(^|[^A-Za-z0-9_./-])(($prefixes)/[A-Za-z0-9_.<>{}*\$,/-]*[A-Za-z0-9_/>}*])"
document_pattern='(^|[^A-Za-z0-9_./<-])([A-Za-z0-9_-]+\.md)([^A-Za-z0-9_/>-]|$)'
sources=()
for place in src tests tools docs bench scripts fuzz README.md; do
    [[ -e $place ]] && sources+=("$place")
done
if ((${#sources[@]} == 0)); then
    echo "check_doc_paths: nothing to check in $root" >&2
    exit 1
fi

# exists FILE WORD: whether WORD names something from the root or from FILE's folder.
exists() {
    local file=$1 word=$2 base
    for base in . "$(dirname "$file")"; do
        [[ -e $base/$word ]] && return 0
        if [[ ${word##*/} != *.* ]] && compgen -G "$base/$word*" >/dev/null; then
            return 0
        fi
    done
    return 1
}

# report FILE LINE WORD: counts WORD as checked, and as missing unless `found` was set.
missing=0
checked=0
report() {
    checked=$((checked + 1))
    if ((found == 0)); then
        echo "$1:$2: $3"
        missing=$((missing + 1))
    fi
}

documents=$(find . -name '*.md' -type f -printf '%f\n' | sort -u)
while IFS= read -r hit; do
    file=${hit%%:*}
    rest=${hit#*:}
    line=${rest%%:*}
    text=${rest#*:}
    [[ $text == *BINARY_DIR* ]] && continue
    while [[ $text =~ $path_pattern ]]; do
        text=${text#*"${BASH_REMATCH[0]}"}
        # What ends a sentence or a quotation is not part of the path.
        word=$(sed -E 's/[.,:;)`"'"'"']+$//' <<<"${BASH_REMATCH[2]}")
        [[ $word =~ [\<\{\*\$]|NAME ]] && continue
        found=0
        exists "$file" "$word" && found=1
        report "$file" "$line" "$word"
    done
    text=${rest#*:}
    while [[ $text =~ $document_pattern ]]; do
        text=${text#*"${BASH_REMATCH[2]}"}
        found=0
        grep -qxF "${BASH_REMATCH[2]}" <<<"$documents" && found=1
        report "$file" "$line" "${BASH_REMATCH[2]}"
    done
done < <(grep -rnIE "$path_pattern|$document_pattern" \
    --include='*.cpp' --include='*.h' --include='*.in' --include='*.md' --include='*.py' \
    --include='*.sh' --include='*.txt' --include='*.cmake' --include='*.js' --include='*.html' \
    --include='*.css' "${sources[@]}")

if ((missing > 0)); then
    echo "check_doc_paths: $missing of $checked cited paths do not exist in the repository"
    exit 1
fi
echo "check_doc_paths: all $checked cited paths exist"
