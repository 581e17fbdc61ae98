// peer_xapian.cc — the Xapian peer of the benchmark, index and search in
// C++ so no interpreter is timed. Same settings and query mapping as
// ../shared/tools/peers/peer_xapian.py + native/xapian_search.cc:
// TermGenerator, Stem("english"), STEM_ALL, positions, doc data = id,
// compact() after loading, BM25Weight(1.2, 0, 1, 0.75, 0.5). One difference:
// the writable database is opened with DB_NO_SYNC (see cmd_index).
//
//   peer_xapian index DOCS.jsonl DIR
//   peer_xapian search DIR QUERIES.tsv K [--mode or|and|phrase] [--latency F]
//               [--warmup N] [--warmup-seconds S] [--since D] [--until D] [--tag T]
//
// Extensions (only used by bench/ query sets): `word*` in a free-text part
// becomes OP_WILDCARD on the lower-cased prefix; documents with a date get
// value slot 0 = "YYYYMMDD" and --since/--until filter with OP_VALUE_RANGE.

#include <jansson.h>
#include <xapian.h>

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

using namespace std;
using clk = chrono::steady_clock;

static const Xapian::valueno DATE_SLOT = 0;

[[noreturn]] static void die(const string& msg) {
    cerr << "peer_xapian: " << msg << "\n";
    exit(1);
}

static string trim(const string& s) {
    size_t a = 0, b = s.size();
    while (a < b && (unsigned char)s[a] <= ' ') a++;
    while (b > a && (unsigned char)s[b - 1] <= ' ') b--;
    return s.substr(a, b - a);
}

// "YYYY-MM-DD" -> "YYYYMMDD" (sorts as a string), "" when malformed.
static string date_key(const char* s) {
    int y, m, d;
    if (!s || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3) return "";
    char buf[16];
    snprintf(buf, sizeof buf, "%04d%02d%02d", y, m, d);
    return buf;
}

static string json_text(json_t* v) {
    if (json_is_string(v)) return string(json_string_value(v), json_string_length(v));
    if (json_is_integer(v)) return to_string((long long)json_integer_value(v));
    return "";
}

static Xapian::TermGenerator make_termgen() {
    Xapian::TermGenerator tg;
    tg.set_stemmer(Xapian::Stem("english"));
    tg.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL);
    return tg;
}

// ------------------------------------------------------------------ index

static int cmd_index(const string& docs, const string& dir) {
    mkdir(dir.c_str(), 0777);
    string build = dir + "/xapian.build", final_ = dir + "/xapian";
    if (system(("rm -rf '" + build + "' '" + final_ + "'").c_str()) != 0) die("rm failed");
    auto t0 = clk::now();
    FILE* f = fopen(docs.c_str(), "r");
    if (!f) die(docs + ": cannot open");
    long n = 0, lineno = 0;
    {
        // DB_NO_SYNC: no fsync(), the counterpart of the FTS5 peer's
        // PRAGMA synchronous=OFF (peer_xapian.py leaves Xapian's default).
        Xapian::WritableDatabase db(build, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC);
        Xapian::TermGenerator tg = make_termgen();
        char* line = nullptr;
        size_t cap = 0;
        ssize_t len;
        while ((len = getline(&line, &cap, f)) > 0) {
            lineno++;
            if (trim(string(line, len)).empty()) continue;
            json_error_t jerr;
            json_t* o = json_loadb(line, len, 0, &jerr);
            if (!o || !json_is_object(o))
                die(docs + ":" + to_string(lineno) + ": bad JSON: " + jerr.text);
            json_t* id = json_object_get(o, "id");
            if (!id || json_is_null(id)) die(docs + ":" + to_string(lineno) + ": no id");
            string text = json_text(json_object_get(o, "title")) + "\n" +
                          json_text(json_object_get(o, "body"));
            Xapian::Document doc;
            tg.set_document(doc);
            tg.set_termpos(0);
            tg.index_text(text);
            doc.set_data(json_text(id));
            string dk = date_key(json_string_value(json_object_get(o, "date")));
            if (!dk.empty()) doc.add_value(DATE_SLOT, dk);
            db.add_document(doc);
            json_decref(o);
            n++;
        }
        free(line);
        db.commit();
        db.close();
    }
    fclose(f);
    Xapian::Database(build).compact(final_);
    if (system(("rm -rf '" + build + "'").c_str()) != 0) die("rm failed");
    double s = chrono::duration<double>(clk::now() - t0).count();
    fprintf(stderr, "xapian: indexed %ld docs in %.2fs -> %s\n", n, s, final_.c_str());
    return 0;
}

// ------------------------------------------------------------------ queries

struct Clause {
    bool phrase;  // a "quoted" part
    string text;  // its text
};

// Same rules as peerlib.parse_clauses.
static vector<Clause> parse_clauses(const string& text, const string& mode) {
    vector<Clause> out;
    if (mode == "phrase") {
        string t = text;
        replace(t.begin(), t.end(), '"', ' ');
        t = trim(t);
        if (!t.empty()) out.push_back({true, t});
        return out;
    }
    vector<string> parts;
    size_t start = 0;
    while (true) {
        size_t q = text.find('"', start);
        if (q == string::npos) {
            parts.push_back(text.substr(start));
            break;
        }
        parts.push_back(text.substr(start, q - start));
        start = q + 1;
    }
    for (size_t i = 0; i < parts.size(); i++) {
        string seg = trim(parts[i]);
        if (seg.empty()) continue;
        bool quoted = (i % 2 == 1) && (i + 1 < parts.size());
        out.push_back({quoted, seg});
    }
    return out;
}

// Removes `word*` tokens from seg and returns their lower-cased prefixes.
static vector<string> take_prefixes(string& seg) {
    vector<string> out;
    size_t star;
    while ((star = seg.find('*')) != string::npos) {
        size_t b = star;
        while (b > 0 && (isalnum((unsigned char)seg[b - 1]) || (unsigned char)seg[b - 1] >= 0x80))
            b--;
        string w = seg.substr(b, star - b);
        for (auto& c : w) c = (char)tolower((unsigned char)c);
        if (!w.empty()) out.push_back(w);
        seg.erase(b, star + 1 - b);
        seg.insert(b, " ");
    }
    return out;
}

struct Builder {
    Xapian::TermGenerator tg = make_termgen();

    vector<string> analyze(const string& text) {
        Xapian::Document doc;
        tg.set_document(doc);
        tg.set_termpos(0);
        tg.index_text(text);
        vector<pair<Xapian::termpos, string>> seq;
        for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t)
            for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p)
                seq.emplace_back(*p, *t);
        sort(seq.begin(), seq.end());
        vector<string> terms;
        for (auto& x : seq) terms.push_back(x.second);
        return terms;
    }

    bool build(const string& text, const string& mode, Xapian::Query& out) {
        vector<Xapian::Query> subs;
        vector<string> order;
        map<string, int> counts;
        for (auto& c : parse_clauses(text, mode)) {
            string seg = c.text;
            if (!c.phrase && mode != "phrase")
                for (auto& p : take_prefixes(seg)) subs.emplace_back(Xapian::Query::OP_WILDCARD, p);
            vector<string> terms = analyze(seg);
            if (terms.empty()) continue;
            if (c.phrase && terms.size() > 1) {
                subs.emplace_back(Xapian::Query::OP_PHRASE, terms.begin(), terms.end(),
                                  (Xapian::termcount)terms.size());
            } else {
                for (auto& t : terms)
                    if (counts[t]++ == 0) order.push_back(t);
            }
        }
        for (auto& t : order) {
            Xapian::Query q(t);
            int c = counts[t];
            if (c > 1) q = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, (double)c);
            subs.push_back(q);
        }
        if (subs.empty()) return false;
        if (subs.size() == 1)
            out = subs[0];
        else
            out = Xapian::Query(mode == "and" ? Xapian::Query::OP_AND : Xapian::Query::OP_OR,
                                subs.begin(), subs.end());
        return true;
    }
};

// ------------------------------------------------------------------ search

struct Hit {
    string id;  // external id
    double w;   // BM25 weight
};

struct Opts {
    string mode = "or", latency = "latency.tsv", tag = "xapian";
    int warmup = 1;        // untimed passes
    double warmup_s = 0;   // and at least this long
    string since, until;   // YYYYMMDD or ""
};

static vector<pair<string, string>> read_queries(const string& path) {
    vector<pair<string, string>> queries;
    ifstream in(path);
    if (!in) die(path + ": cannot open");
    string line;
    while (getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (trim(line).empty() || line[0] == '#') continue;
        size_t tab = line.find('\t');
        if (tab == string::npos) {
            cerr << "warning: query line without TAB skipped: " << line << "\n";
            continue;
        }
        queries.emplace_back(trim(line.substr(0, tab)), trim(line.substr(tab + 1)));
    }
    return queries;
}

static void write_outputs(const vector<pair<string, string>>& queries,
                          const vector<vector<Hit>>& results, const vector<double>& ms,
                          const Opts& o) {
    string buf;
    char num[64];
    for (size_t i = 0; i < queries.size(); i++) {
        int rank = 0;
        for (auto& h : results[i]) {
            snprintf(num, sizeof num, " %d %.10g ", ++rank, h.w);
            buf += queries[i].first + " Q0 " + h.id + num + o.tag + "\n";
        }
    }
    fwrite(buf.data(), 1, buf.size(), stdout);
    fflush(stdout);
    FILE* lf = fopen(o.latency.c_str(), "w");
    if (!lf) die(o.latency + ": cannot write");
    for (size_t i = 0; i < queries.size(); i++)
        fprintf(lf, "%s\t%.4f\t%zu\t-1\n", queries[i].first.c_str(), ms[i], results[i].size());
    fclose(lf);
}

static int cmd_search(const string& dir, const string& qpath, int k, const Opts& o) {
    Xapian::Database db(dir + "/xapian");
    Xapian::Enquire enq(db);
    enq.set_weighting_scheme(Xapian::BM25Weight(1.2, 0.0, 1.0, 0.75, 0.5));
    Builder qb;
    bool dated = !o.since.empty() || !o.until.empty();
    Xapian::Query range(Xapian::Query::OP_VALUE_RANGE, DATE_SLOT,
                        o.since.empty() ? "00000000" : o.since,
                        o.until.empty() ? "99999999" : o.until);
    auto queries = read_queries(qpath);

    auto run_one = [&](const string& text, vector<Hit>& hits) {
        hits.clear();
        Xapian::Query q;
        if (!qb.build(text, o.mode, q)) return;
        if (dated) q = Xapian::Query(Xapian::Query::OP_FILTER, q, range);
        enq.set_query(q);
        Xapian::MSet ms = enq.get_mset(0, k);
        for (auto m = ms.begin(); m != ms.end(); ++m)
            hits.push_back({m.get_document().get_data(), m.get_weight()});
    };

    vector<Hit> scratch;
    auto w0 = clk::now();
    for (int pass = 0; pass < o.warmup || (o.warmup > 0 &&
             chrono::duration<double>(clk::now() - w0).count() < o.warmup_s); pass++)
        for (auto& q : queries) run_one(q.second, scratch);
    vector<vector<Hit>> results(queries.size());
    vector<double> ms(queries.size());
    for (size_t i = 0; i < queries.size(); i++) {
        auto t0 = clk::now();
        run_one(queries[i].second, results[i]);
        ms[i] = chrono::duration<double, milli>(clk::now() - t0).count();
    }
    write_outputs(queries, results, ms, o);
    return 0;
}

[[noreturn]] static void usage() {
    cerr << "usage: peer_xapian index DOCS.jsonl DIR\n"
            "       peer_xapian search DIR QUERIES.tsv K [--mode or|and|phrase] [--latency F]\n"
            "                  [--warmup N] [--warmup-seconds S] [--since D] [--until D] [--tag T]\n";
    exit(2);
}

int main(int argc, char** argv) {
    try {
        if (argc == 4 && !strcmp(argv[1], "index")) return cmd_index(argv[2], argv[3]);
        if (argc < 5 || strcmp(argv[1], "search")) usage();
        Opts o;
        for (int i = 5; i < argc; i++) {
            if (i + 1 >= argc) usage();
            string a = argv[i], v = argv[++i];
            if (a == "--mode") o.mode = v;
            else if (a == "--latency") o.latency = v;
            else if (a == "--tag") o.tag = v;
            else if (a == "--warmup") o.warmup = atoi(v.c_str());
            else if (a == "--warmup-seconds") o.warmup_s = atof(v.c_str());
            else if (a == "--since") o.since = date_key(v.c_str());
            else if (a == "--until") o.until = date_key(v.c_str());
            else usage();
        }
        if (o.mode != "or" && o.mode != "and" && o.mode != "phrase") usage();
        return cmd_search(argv[2], argv[3], atoi(argv[4]), o);
    } catch (const Xapian::Error& e) {
        die("xapian error: " + e.get_description());
    }
}
