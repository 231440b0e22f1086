//! The catalog queries, one per object kind for the whole database: what each returns is
//! read back, column by column, in `introspect`.

/// Namespaces that hold user objects (alias `n` for pg_namespace).
pub(super) const USER_NAMESPACE: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema') \
     AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

/// The user tables every per-table query joins against.
fn tables_cte() -> String {
    format!(
        "WITH tbl AS (
            SELECT c.oid
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND {USER_NAMESPACE}
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                              AND d.objid = c.oid AND d.deptype = 'e')
        )"
    )
}

pub(super) fn relations_sql() -> String {
    format!(
        "SELECT c.oid::int8, n.nspname::text, c.relname::text, c.relkind::text, ds.description,
                CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass
                                    AND ds.objsubid = 0
         WHERE c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition AND {USER_NAMESPACE}
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                           AND d.objid = c.oid AND d.deptype = 'e')
         ORDER BY c.oid"
    )
}

pub(super) fn columns_sql() -> String {
    format!(
        "{}
         SELECT a.attrelid::int8, a.attnum::int4, a.attname::text,
                format_type(a.atttypid, a.atttypmod),
                a.attnotnull,
                pg_get_expr(ad.adbin, ad.adrelid),
                a.attidentity::text,
                a.attgenerated::text,
                CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
                     THEN co.collname::text END,
                ds.description,
                t.typtype::text, tn.nspname::text, t.typname::text,
                et.typtype::text, etn.nspname::text, et.typname::text,
                idseq.seqstart, idseq.seqincrement
         FROM pg_attribute a
         JOIN tbl ON tbl.oid = a.attrelid
         JOIN pg_type t ON t.oid = a.atttypid
         JOIN pg_namespace tn ON tn.oid = t.typnamespace
         LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
         LEFT JOIN pg_namespace etn ON etn.oid = et.typnamespace
         LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
         LEFT JOIN pg_collation co ON co.oid = a.attcollation
         LEFT JOIN pg_description ds ON ds.objoid = a.attrelid AND ds.classoid = 'pg_class'::regclass
                                    AND ds.objsubid = a.attnum
         LEFT JOIN LATERAL (SELECT sq.seqstart, sq.seqincrement FROM pg_depend dep
                            JOIN pg_sequence sq ON sq.seqrelid = dep.objid
                            WHERE a.attidentity <> '' AND dep.classid = 'pg_class'::regclass
                              AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum
                              AND dep.deptype = 'i' LIMIT 1) idseq ON true
         WHERE a.attnum > 0 AND NOT a.attisdropped
         ORDER BY a.attrelid, a.attnum",
        tables_cte()
    )
}

pub(super) fn constraints_sql() -> String {
    format!(
        "{}
         SELECT co.conrelid::int8, co.conname::text, co.contype::text,
                ARRAY(SELECT a.attname::text
                      FROM unnest(co.conkey) WITH ORDINALITY AS k(num, ord)
                      JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.num
                      ORDER BY k.ord),
                fn.nspname::text, fc.relname::text,
                ARRAY(SELECT a.attname::text
                      FROM unnest(co.confkey) WITH ORDINALITY AS k(num, ord)
                      JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.num
                      ORDER BY k.ord),
                co.confdeltype::text, co.confupdtype::text, co.condeferrable, co.condeferred,
                pg_get_constraintdef(co.oid)
         FROM pg_constraint co
         JOIN tbl ON tbl.oid = co.conrelid
         LEFT JOIN pg_class fc ON fc.oid = co.confrelid
         LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
         WHERE co.contype IN ('p', 'u', 'f', 'c') AND co.conparentid = 0
         ORDER BY co.conrelid, co.conname",
        tables_cte()
    )
}

pub(super) fn indexes_sql() -> String {
    format!(
        "{}
         SELECT i.indrelid::int8, i.indexrelid::int8, ic.relname::text, i.indisunique,
                am.amname::text, i.indnkeyatts::int4, pg_get_expr(i.indpred, i.indrelid),
                k.pos, a.attname::text, pg_get_indexdef(i.indexrelid, k.pos, true),
                COALESCE(i.indoption[k.pos - 1], 0)::int4,
                opc.opcname::text, opc.opcdefault,
                CASE WHEN k.pos <= i.indnkeyatts AND i.indcollation[k.pos - 1] <> 0
                          AND i.indcollation[k.pos - 1] <> COALESCE(a.attcollation, 0)
                     THEN (SELECT c.collname::text FROM pg_collation c WHERE c.oid = i.indcollation[k.pos - 1])
                END
         FROM pg_index i
         JOIN pg_class ic ON ic.oid = i.indexrelid
         JOIN pg_am am ON am.oid = ic.relam
         CROSS JOIN LATERAL generate_series(1, i.indnatts::int4) AS k(pos)
         LEFT JOIN pg_attribute a ON i.indkey[k.pos - 1] <> 0 AND a.attrelid = i.indrelid
                                 AND a.attnum = i.indkey[k.pos - 1]
         LEFT JOIN pg_opclass opc ON k.pos <= i.indnkeyatts AND opc.oid = i.indclass[k.pos - 1]
         WHERE NOT EXISTS (SELECT 1 FROM pg_constraint x
                           WHERE x.conindid = i.indexrelid AND x.conrelid = i.indrelid
                             AND x.contype IN ('p', 'u', 'x'))
           AND (i.indrelid IN (SELECT oid FROM tbl)
                OR i.indrelid IN (SELECT c.oid FROM pg_class c
                                  JOIN pg_namespace n ON n.oid = c.relnamespace
                                  WHERE c.relkind = 'm' AND {USER_NAMESPACE}))
         ORDER BY i.indexrelid, k.pos",
        tables_cte()
    )
}

pub(super) fn enums_sql() -> String {
    format!(
        "SELECT n.nspname::text, t.typname::text, ds.description,
                ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid
                      ORDER BY e.enumsortorder)
         FROM pg_type t
         JOIN pg_namespace n ON n.oid = t.typnamespace
         LEFT JOIN pg_description ds ON ds.objoid = t.oid AND ds.classoid = 'pg_type'::regclass
                                    AND ds.objsubid = 0
         WHERE t.typtype = 'e' AND {USER_NAMESPACE}
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                           AND d.objid = t.oid AND d.deptype = 'e')"
    )
}

pub(super) fn sequences_sql() -> String {
    format!(
        "SELECT n.nspname::text, c.relname::text, format_type(s.seqtypid, NULL),
                s.seqincrement::int8, s.seqmin::int8, s.seqmax::int8, s.seqstart::int8,
                s.seqcache::int8, s.seqcycle,
                d.deptype::text, d.refobjid::int8, d.refobjsubid::int4,
                tn.nspname::text, tc.relname::text, ta.attname::text
         FROM pg_sequence s
         JOIN pg_class c ON c.oid = s.seqrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
                              AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0
                              AND d.deptype IN ('a', 'i')
         LEFT JOIN pg_class tc ON tc.oid = d.refobjid
         LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace
         LEFT JOIN pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = d.refobjsubid
         WHERE {USER_NAMESPACE}
           AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_class'::regclass
                           AND x.objid = c.oid AND x.deptype = 'e')"
    )
}

pub(super) fn schemas_sql() -> String {
    format!(
        "SELECT n.nspname::text
         FROM pg_namespace n
         WHERE {USER_NAMESPACE} AND n.nspname <> 'public'
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass
                           AND d.objid = n.oid AND d.deptype = 'e')"
    )
}

pub(super) const EXTENSIONS_SQL: &str = "SELECT e.extname::text, n.nspname::text
     FROM pg_extension e
     JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname <> 'plpgsql'";
