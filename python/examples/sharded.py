from dask.distributed import Client, LocalCluster
from newsgrep.dask import ShardedIndex

if __name__ == "__main__":
    client = Client(LocalCluster(n_workers=2, threads_per_worker=1))
    shards = ShardedIndex.build(client, ["data/articles.jsonl"], "example-shards", 2)
    print(shards.stats()["documents"], "documents in", shards.n_shards, "shards")
    for hit in shards.search("central asia summit", k=3):
        print(f"{hit.id} {hit.score:.3f} {hit.title}")
    shards.close()
