/*
 * format.h — constants of the postings byte format shared by the writer
 * and the cursor (private to lib/codec). Grammar: lib/FORMAT.md.
 */
#ifndef NG_CODEC_FORMAT_H
#define NG_CODEC_FORMAT_H

/* Skip entry: last doc u32, docs offset u32, positions offset u32,
 * block max tf u16 (0xffff = saturated), block min doc length u16. */
#define NGI_SKIP_BYTES        16
#define NGI_SKIP_TF_SATURATED 0xffffu
/* Positions chunk header: width in the low 6 bits (1..32); this bit says
 * that patched exceptions follow the packed values (PFOR). */
#define NGI_CHUNK_EXC  0x80u
#define NGI_CHUNK_BITS 0x3fu
/* Lists with df below this use the compact form (no skip table). */
#define NGI_COMPACT_DF NGI_BLOCK

#endif /* NG_CODEC_FORMAT_H */
