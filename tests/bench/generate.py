"""Write N varied, realistic articles into a folder: for benchmarks and for tests that need a corpus.

    from tests.bench.generate import generate_corpus
    paths = generate_corpus(tmp_path / "corpus", 200, seed=1)

or, from the shell: `python tests/bench/generate.py FOLDER N [--seed S]`.

The articles vary the way real corpora do (see /work/shared/FORMAT.md): category and language folders
(`zh/` articles are in Chinese), slug and `kb-YYYY-NNNNN` ids, double-, single- and unquoted dates,
block and flow lists, folded and single-line statements, `source_url` / `source_doi` / `source_ref`,
extra keys, a few CRLF and BOM files, a few stale or future dates, a few duplicate ids and placeholder
gaps. Every one of the N files parses as an article. `broken=` adds files that do not parse
(malformed YAML, unclosed front matter, bad UTF-8) and `non_articles=` adds files without front matter
(README.txt, .gitkeep, notes, an image); neither is counted in N nor returned.

Output depends only on (n, seed, today): the same call writes the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import textwrap
from pathlib import Path

CATEGORIES = {
    "ai": ["neural", "transformer", "gradient", "attention", "embedding", "inference", "alignment",
           "benchmark", "token", "diffusion", "reinforcement", "classifier"],
    "computer-science": ["algorithm", "compiler", "cache", "protocol", "kernel", "scheduler", "graph",
                         "hash", "concurrency", "database", "cryptography", "parser"],
    "physics": ["quantum", "relativity", "entropy", "photon", "boson", "plasma", "spectrum",
                "superconductor", "gravitation", "neutrino", "interferometer", "lattice"],
    "biology": ["enzyme", "photosynthesis", "genome", "protein", "mitochondria", "ribosome",
                "evolution", "membrane", "neuron", "bacteria", "chloroplast", "antibody"],
    "history": ["empire", "treaty", "dynasty", "revolution", "printing", "voyage", "archive",
                "manuscript", "republic", "expedition", "chronicle", "industrialization"],
    "economics": ["inflation", "tariff", "monetary", "labour", "productivity", "auction", "market",
                  "currency", "recession", "taxation", "welfare", "trade"],
    "medicine": ["vaccine", "antibiotic", "diagnosis", "cardiology", "oncology", "epidemiology",
                 "trial", "pathogen", "immunology", "surgery", "anesthesia", "genomics"],
}
_COMMON_TEXT = (
    "the of and to in is that for as with by on are from this which be an was it at or its their has "
    "have were been these more than also can such other most between into through during about however "
    "results model study method data system analysis evidence process research early later first "
    "report measured observed significant approach framework design large small new known widely used "
    "standard review published estimated increase decrease effect role structure function theory"
)
COMMON = _COMMON_TEXT.split()
ZH_SENTENCES = [
    "据史料记载，这一发明在当时的社会中产生了深远的影响。",
    "研究人员通过大量实验验证了该理论的主要结论。",
    "该方法在工程实践中得到了广泛应用，并不断改进。",
    "学界对这一问题仍存在争议，需要更多证据支持。",
    "这项技术的核心原理可以概括为三个相互关联的部分。",
    "早期的实现受限于材料和计算能力，效率较低。",
    "现代标准对其定义、测量方法和适用范围作了明确规定。",
    "相关数据表明，其效果在不同地区之间存在显著差异。",
]
ZH_TOPICS = ["活字印刷", "量子纠缠", "光合作用", "引力波", "神经网络", "密码学", "丝绸之路", "青霉素"]
SOURCE_TYPES = ["academic_paper", "journal_article", "conference_paper", "standard", "government_report",
                "official_report", "textbook", "industry_whitepaper", "documentation", "software", "book",
                "report", "dataset", "website"]
INSTITUTIONS = ["MIT Press", "Nature", "IEEE", "ACM", "arXiv", "Elsevier", "Springer", "NIST", "WHO",
                "Oxford University Press", "Cambridge University Press", "Royal Society", "OECD", "CERN"]
MODELS = ["claude-4.5-sonnet", "gpt-5", "gemini-2.5-pro", "qwen3-max", "deepseek-v3", "llama-4"]
AUTHORS = ["Smith, John", "Chen, Wei", "Garcia, Maria", "Müller, Anna", "Tanaka, Yuki", "Okafor, Chidi",
           "et al.", "multiple"]
LANG_FOLDERS = {"zh": "zh", "ja": "ja", "es": "es", "fr": "fr", "de": "de"}


def _sentence_pool(rng: random.Random, words: list[str], count: int) -> list[str]:
    pool = []
    for _ in range(count):
        n = rng.randint(8, 22)
        chosen = [rng.choice(COMMON) if rng.random() < 0.6 else rng.choice(words) for _ in range(n)]
        if rng.random() < 0.3:
            chosen.insert(rng.randrange(n), str(rng.randint(2, 2025)))
        text = " ".join(chosen)
        pool.append(text[0].upper() + text[1:] + ".")
    return pool


class _Writer:
    def __init__(self, rng: random.Random, today: dt.date):
        self.rng = rng
        self.today = today
        self.pools = {cat: _sentence_pool(rng, words, 400) for cat, words in CATEGORIES.items()}
        self.ids: list[str] = []

    # -- pieces ---------------------------------------------------------------------------------
    def date(self, days_back_max: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(0, days_back_max))

    def quote_date(self, value: dt.date, style: str) -> str:
        text = value.isoformat()
        return {"double": f'"{text}"', "single": f"'{text}'", "plain": text}[style]

    def sentences(self, category: str, lang: str, count: int) -> str:
        if lang == "zh":
            return "".join(self.rng.choice(ZH_SENTENCES) for _ in range(count))
        return " ".join(self.rng.choice(self.pools[category]) for _ in range(count))

    def folded(self, text: str, indent: str) -> list[str]:
        width = 100 if self.rng.random() < 0.7 else 200
        lines = textwrap.wrap(text, width=width) or [text]
        return [f"{indent}{line}" for line in lines]

    # -- one article ------------------------------------------------------------------------------
    def article(self, index: int) -> tuple[str, str]:
        rng = self.rng
        category = rng.choice(list(CATEGORIES))
        lang = "en" if rng.random() < 0.85 else rng.choice(["zh", "zh", "ja", "es", "fr", "de"])
        words = CATEGORIES[category]
        topic_words = rng.sample(words, 2)
        if lang == "zh":
            topic = rng.choice(ZH_TOPICS)
            slug = f"{topic_words[0]}-{topic_words[1]}-zh-{index}"
            title = f"{topic}：{rng.choice(ZH_SENTENCES)[:10]}"
        else:
            slug = f"{topic_words[0]}-{topic_words[1]}-{index}"
            title = f"{topic_words[0].capitalize()} and {topic_words[1]}: {rng.choice(COMMON)} {index}"
        if rng.random() < 0.3:
            art_id = f"kb-{rng.randint(2023, 2026)}-{index:05d}"
        else:
            art_id = slug
        if self.ids and rng.random() < 0.005:
            art_id = rng.choice(self.ids)  # real corpora contain id clashes
        self.ids.append(art_id)
        folder = LANG_FOLDERS.get(lang, category) if rng.random() < 0.8 else category
        date_style = rng.choice(["double", "double", "double", "single", "plain"])
        verified = self.date(900)
        if rng.random() < 0.01:
            verified = self.today + dt.timedelta(days=rng.randint(1, 60))  # a date in the future
        created = verified - dt.timedelta(days=rng.randint(0, 400))
        updated = verified

        out = ["---", f"id: {art_id}"]
        out.append(f'title: "{title}"' if ":" in title or rng.random() < 0.5 else f"title: {title}")
        if rng.random() < 0.1:
            out.append(f"slug: {slug}")
        if rng.random() < 0.3:
            out.append(f"status: {rng.choice(['draft', 'published', 'published'])}")
        out.append(f"schema_type: {rng.choice(['article', 'Article', 'TechArticle'])}")
        out.append(f"category: {category}")
        out.append(f"language: {lang}")
        confidence = rng.choice(["high", "high", "medium", "medium", "low"])
        if rng.random() < 0.01:
            confidence = "very-high"  # outside its form
        out.append(f"confidence: {confidence}")
        if rng.random() < 0.99:  # a missing required field now and then
            out.append(f"last_verified: {self.quote_date(verified, date_style)}")
        out.append(f"created_date: {self.quote_date(created, date_style)}")
        out.append(f"generation_method: {rng.choice(['ai_structured', 'ai_assisted', 'human_only'])}")
        models = rng.sample(MODELS, rng.randint(1, 2))
        if rng.random() < 0.5:
            out.append(f"ai_models: [{', '.join(models)}]")
        else:
            out.append("ai_models:")
            out += [f"  - {m}" for m in models]
        out += [f"derived_from_human_seed: {rng.choice(['true', 'false'])}",
                "conflict_of_interest: none_declared",
                f"is_live_document: {rng.choice(['true', 'false'])}",
                "data_period: static",
                f"completeness: {rng.choice(['0.7', '0.8', '0.85', '0.9', '1.0'])}"]
        if rng.random() < 0.15:
            out.append(f"confidence_rationale: {self.sentences(category, lang, 1)}")

        n_primary = rng.randint(1, 4)
        primary = []
        for i in range(n_primary):
            host = rng.choice(["arxiv.org/abs", "doi.org/10.1000", "www.nature.com/articles", "example.org/docs"])
            url = f"https://{host}/{rng.randint(1000, 9999)}.{rng.randint(10000, 99999)}"
            if rng.random() < 0.02:
                url = "https://example.org/"  # a homepage instead of the page
            primary.append((f"ps-{slug}-{i + 1}", url))
        facts = []
        for _ in range(rng.randint(2, 9)):
            facts.append(self.sentences(category, lang, rng.randint(1, 3)))

        out.append("atomic_facts:")
        fact_style = rng.choice(["af", "fact", "f"])
        for i, statement in enumerate(facts):
            fact_id = {"af": f"af-{slug}-{i + 1}", "fact": f"fact-{topic_words[0]}-{i + 1:03d}",
                       "f": f"f{i + 1}"}[fact_style]
            out.append(f"  - id: {fact_id}")
            if rng.random() < 0.8:
                out.append("    statement: >-")
                out += self.folded(statement, "      ")
            else:
                escaped = statement.replace("\\", "\\\\").replace('"', '\\"')
                out.append(f'    statement: "{escaped}"')
            src_id, src_url = rng.choice(primary)
            out.append(f"    source_title: {rng.choice(INSTITUTIONS)} report on {topic_words[0]}")
            kind = rng.random()
            if kind < 0.75:
                out.append(f"    source_url: {src_url}")
            elif kind < 0.9:
                out.append(f"    source_doi: 10.{rng.randint(1000, 9999)}/{topic_words[1]}.{i}")
            else:
                out.append(f"    source_ref: {src_id}")
            out.append(f"    confidence: {rng.choice(['high', 'medium', 'low'])}")

        out.append("primary_sources:")
        for src_id, url in primary:
            out.append(f"  - id: {src_id}")
            out.append(f'    title: "{topic_words[0].capitalize()}: {self.sentences(category, lang, 1)[:60]}"')
            out.append(f"    type: {rng.choice(SOURCE_TYPES)}")
            out.append(f"    year: {rng.randint(1950, self.today.year + (1 if rng.random() < 0.01 else 0))}")
            out.append(f"    institution: {rng.choice(INSTITUTIONS)}")
            out.append(f"    url: {url}")
        out.append("known_gaps:")
        gaps = rng.randint(0, 4)
        if gaps == 0:
            out[-1] = "known_gaps: []"
        for _ in range(gaps):
            gap = self.sentences(category, lang, 1)
            if rng.random() < 0.02:
                gap = "TODO: to be completed"
            if rng.random() < 0.4:
                out.append("  - >-")
                out += self.folded(gap, "    ")
            else:
                out.append(f"  - {gap.rstrip('.')}" if ": " not in gap else f'  - "{gap}"')
        out.append("disputed_statements: []" if rng.random() < 0.8 else
                   f"disputed_statements:\n  - {self.sentences(category, lang, 1).rstrip('.')}")
        n_secondary = rng.randint(0, 5)
        out.append("secondary_sources:" if n_secondary else "secondary_sources: []")
        for _ in range(n_secondary):
            out.append(f'  - title: "{self.sentences(category, lang, 1)[:70]}"')
            out.append(f"    type: {rng.choice(SOURCE_TYPES)}")
            out.append(f"    year: {rng.randint(1980, self.today.year)}")
            out.append("    authors:")
            out += [f"      - {a}" for a in rng.sample(AUTHORS, rng.randint(1, 3))]
            out.append(f"    institution: {rng.choice(INSTITUTIONS)}")
            out.append(f"    url: https://doi.org/10.{rng.randint(1000, 9999)}/{rng.randint(100000, 999999)}")
        out.append(f"updated: {self.quote_date(updated, date_style)}")
        out.append("---")

        out.append("## TL;DR")
        out.append(self.sentences(category, lang, rng.randint(2, 4)))
        out.append("")
        out.append("## Core Explanation")
        for _ in range(rng.randint(1, 2)):
            out.append(self.sentences(category, lang, rng.randint(3, 7)))
            out.append("")
        out.append("## Detailed Analysis")
        for _ in range(rng.randint(1, 3)):
            out.append(self.sentences(category, lang, rng.randint(3, 8)))
            out.append("")
        if rng.random() < 0.6:
            out.append("## Further Reading")
            out += [f"- [{rng.choice(INSTITUTIONS)}]({url})" for _, url in primary]
        text = "\n".join(out) + "\n"
        return f"{folder}/{slug}.md", text


def _broken_files(rng: random.Random, count: int) -> list[tuple[str, bytes]]:
    kinds = [
        ("bad-yaml-{i}.md", b'---\nid: bad-yaml-{i}\ntitle: "unterminated\nlanguage: en\n---\nbody\n'),
        ("bad-indent-{i}.md", b"---\nid: bad-indent-{i}\n  title: x\n language: en\n---\nbody\n"),
        ("unclosed-{i}.md", b"---\nid: unclosed-{i}\ntitle: no closing line\n"),
        ("latin1-{i}.md", b"---\nid: latin1-{i}\ntitle: caf\xe9\n---\nbody\n"),
        ("dupkey-{i}.md", b"---\nid: dupkey-{i}\ntitle: one\ntitle: two\n---\nbody\n"),
    ]
    files = []
    for i in range(count):
        name, data = kinds[i % len(kinds)]
        files.append((f"broken/{name.format(i=i)}", data.replace(b"{i}", str(i).encode())))
    return files


def _non_article_files(count: int) -> list[tuple[str, bytes]]:
    kinds = [
        ("README.txt", b"This corpus holds fact-checked articles.\nNo front matter here.\n"),
        ("ai/.gitkeep", b""),
        ("notes/notes-{i}.txt", b"Loose notes, not an article.\n"),
        ("images/figure-{i}.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("drafts/empty-{i}.md", b""),
        ("drafts/plain-{i}.md", b"# Just Markdown\n\nNo front matter.\n"),
    ]
    files = []
    for i in range(count):
        name, data = kinds[i % len(kinds)]
        files.append((name.format(i=i), data))
    return files


def generate_corpus(folder: str | Path, n: int, seed: int = 0, *, broken: int = 0, non_articles: int = 0,
                    today: dt.date | None = None) -> list[Path]:
    """Write `n` articles (plus optional broken and non-article files) under `folder`.

    Returns the paths of the n articles, in the order written.
    """
    folder = Path(folder)
    rng = random.Random(seed)
    writer = _Writer(rng, today or dt.date.today())
    made_dirs: set[Path] = set()
    paths: list[Path] = []

    def write(rel: str, data: bytes) -> Path:
        path = folder / rel
        if path.parent not in made_dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            made_dirs.add(path.parent)
        path.write_bytes(data)
        return path

    for index in range(n):
        rel, text = writer.article(index)
        if rng.random() < 0.03:
            text = text.replace("\n", "\r\n")
        data = text.encode("utf-8")
        if rng.random() < 0.01:
            data = b"\xef\xbb\xbf" + data
        paths.append(write(rel, data))
    for rel, data in _broken_files(rng, broken):
        write(rel, data)
    for rel, data in _non_article_files(non_articles):
        write(rel, data)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write N varied articles into FOLDER.")
    parser.add_argument("folder")
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--broken", type=int, default=0)
    parser.add_argument("--non-articles", type=int, default=0)
    args = parser.parse_args(argv)
    paths = generate_corpus(args.folder, args.n, args.seed, broken=args.broken, non_articles=args.non_articles)
    print(f"wrote {len(paths)} articles to {args.folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
