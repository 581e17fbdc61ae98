import json, shutil
import newsgrep

shutil.rmtree("example-index", ignore_errors=True)
with newsgrep.Index("example-index") as ix:          # commits on a clean exit
    with open("data/articles.jsonl") as f:
        ix.add_many(json.loads(line) for line in f)  # id, title, body, date, ...

with newsgrep.Reader("example-index") as r:
    results = r.search("central asia summit", k=3, since="2025-06", count=True)
    print(results)
    for hit in results:
        print(f"{hit.id} {hit.score:.3f} {hit.date} {hit.title}")
        print("   ", hit.highlighted, hit.fields["category"])
    print(list(r.timeline("china", by="year")))      # .to_pandas(): a Series
    try:
        r.search('summit AND (astana')
    except newsgrep.QuerySyntaxError as e:
        print(type(e).__name__, e.code, e)
