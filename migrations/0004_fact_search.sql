-- Fact search (issue 8): any of the words, stemmed, ranked by relevance, with
-- the top results picked inside the full-text index among one owner's facts
-- only. Version 1 indexed every owner's facts together, unstemmed, and ranked
-- every match of every owner before filtering by owner.
--
-- The index is rebuilt here from the facts already stored; triggers keep it
-- in step with facts from then on.
--
-- sqlite:begin
DROP TRIGGER facts_fts_insert;
DROP TRIGGER facts_fts_delete;
DROP TABLE facts_fts;

-- A small number per owner that never changes (owners has a text key, so
-- its rowid may change on VACUUM).
CREATE TABLE facts_search_owners (
    id       INTEGER PRIMARY KEY,
    owner_id TEXT NOT NULL UNIQUE
);
-- A fact's row in the index is (owner number << 40) | fact seq: one owner's
-- facts are one rowid range, which FTS5 searches and ranks without reading
-- any other owner's entries. Contentless: the text stays in facts only.
-- Porter stemming on unicode61 without case or accents; ranked by bm25 with a
-- fact's text weighing twice its quote.
CREATE VIRTUAL TABLE facts_search USING fts5 (
    text, quote,
    content = '', contentless_delete = 1,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO facts_search (facts_search, rank) VALUES ('rank', 'bm25(2.0, 1.0)');

INSERT INTO facts_search_owners (owner_id) SELECT DISTINCT owner_id FROM facts ORDER BY owner_id;
INSERT INTO facts_search (rowid, text, quote)
    SELECT (o.id << 40) | f.seq, f.text, coalesce(f.quote, '')
    FROM facts f JOIN facts_search_owners o ON o.owner_id = f.owner_id
    ORDER BY 1;

CREATE TRIGGER facts_search_insert AFTER INSERT ON facts BEGIN
    SELECT RAISE(ABORT, 'fact seq out of the search index range') WHERE new.seq NOT BETWEEN 1 AND 1099511627775;
    INSERT INTO facts_search_owners (owner_id)
        SELECT new.owner_id WHERE NOT EXISTS (SELECT 1 FROM facts_search_owners WHERE owner_id = new.owner_id);
    INSERT INTO facts_search (rowid, text, quote)
        SELECT (id << 40) | new.seq, new.text, coalesce(new.quote, '') FROM facts_search_owners WHERE owner_id = new.owner_id;
END;
-- Facts are never edited in place; should one be, its index row follows.
CREATE TRIGGER facts_search_update AFTER UPDATE OF owner_id, seq, text, quote ON facts BEGIN
    SELECT RAISE(ABORT, 'fact seq out of the search index range') WHERE new.seq NOT BETWEEN 1 AND 1099511627775;
    DELETE FROM facts_search WHERE rowid = (SELECT (id << 40) | old.seq FROM facts_search_owners WHERE owner_id = old.owner_id);
    INSERT INTO facts_search_owners (owner_id)
        SELECT new.owner_id WHERE NOT EXISTS (SELECT 1 FROM facts_search_owners WHERE owner_id = new.owner_id);
    INSERT INTO facts_search (rowid, text, quote)
        SELECT (id << 40) | new.seq, new.text, coalesce(new.quote, '') FROM facts_search_owners WHERE owner_id = new.owner_id;
END;
CREATE TRIGGER facts_search_delete AFTER DELETE ON facts BEGIN
    DELETE FROM facts_search WHERE rowid = (SELECT (id << 40) | old.seq FROM facts_search_owners WHERE owner_id = old.owner_id);
END;
-- sqlite:end
-- postgres:begin
DROP INDEX facts_search;
ALTER TABLE facts DROP COLUMN search;

-- A narrow table beside facts, so ranking the matches reads few pages rather
-- than whole fact rows. English stemming and stop words; a fact's text
-- weighs A, its quote B. The owner is a lexeme too, "owner <owner_id>" (no
-- parser makes a lexeme with a space), so the GIN index itself narrows a
-- search to the owner's facts.
CREATE TABLE facts_search (
    fact_id  TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL,
    seq      BIGINT NOT NULL,
    search   tsvector NOT NULL
);

-- Latin letters with diacritics as their base letter ("Sjögren" finds
-- "Sjogren"), as SQLite's remove_diacritics does; applied to facts and queries
-- alike. The letters whose canonical decomposition is an ASCII letter and
-- combining marks, in U+00C0–U+024F and U+1E00–U+1EFF.
CREATE FUNCTION facts_search_fold(s TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT translate(s,
        'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆ'
        || 'ćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐő'
        || 'ŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛ'
        || 'ǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯ'
        || 'ȰȱȲȳḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷ'
        || 'ḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳ'
        || 'ṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵ'
        || 'ẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰự'
        || 'ỲỳỴỵỶỷỸỹ',
        'AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaC'
        || 'cCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOo'
        || 'RrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzOoUuAaIiOoUuUuUuUuU'
        || 'uAaAaGgKkOoOojGgNnAaAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAaEeOoOoOo'
        || 'OoYyAaBbBbBbCcDdDdDdDdDdEeEeEeEeEeFfGgHhHhHhHhHhIiIiKkKkKkLl'
        || 'LlLlLlMmMmMmNnNnNnNnOoOoOoOoPpPpRrRrRrRrSsSsSsSsSsTtTtTtTtUu'
        || 'UuUuUuUuVvVvWwWwWwWwWwXxXxYyZzZzZzhtwyAaAaAaAaAaAaAaAaAaAaAa'
        || 'AaEeEeEeEeEeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuUuUuUuUuUu'
        || 'YyYyYyYy')
$$;

CREATE FUNCTION facts_search_vector(owner_id TEXT, text TEXT, quote TEXT) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('english'::regconfig, facts_search_fold(text)), 'A')
        || setweight(to_tsvector('english'::regconfig, facts_search_fold(coalesce(quote, ''))), 'B')
        || array_to_tsvector(ARRAY['owner ' || owner_id])
$$;

INSERT INTO facts_search (fact_id, owner_id, seq, search)
    SELECT id, owner_id, seq, facts_search_vector(owner_id, text, quote) FROM facts ORDER BY owner_id, seq;
-- Without fast update: a search never scans a list of pending entries.
CREATE INDEX facts_search_gin ON facts_search USING gin (search) WITH (fastupdate = off);

-- Triggers rather than a foreign key: the index row is made from the fact row
-- itself, and deleting a fact deletes it by primary key.
CREATE FUNCTION facts_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO facts_search (fact_id, owner_id, seq, search)
            VALUES (NEW.id, NEW.owner_id, NEW.seq, facts_search_vector(NEW.owner_id, NEW.text, NEW.quote));
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE facts_search SET fact_id = NEW.id, owner_id = NEW.owner_id, seq = NEW.seq,
            search = facts_search_vector(NEW.owner_id, NEW.text, NEW.quote)
            WHERE fact_id = OLD.id;
    ELSE
        DELETE FROM facts_search WHERE fact_id = OLD.id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER facts_search_insert AFTER INSERT ON facts
    FOR EACH ROW EXECUTE FUNCTION facts_search_sync();
-- Facts are never edited in place; should one be, its index row follows.
CREATE TRIGGER facts_search_update AFTER UPDATE OF id, owner_id, seq, text, quote ON facts
    FOR EACH ROW EXECUTE FUNCTION facts_search_sync();
CREATE TRIGGER facts_search_delete AFTER DELETE ON facts
    FOR EACH ROW EXECUTE FUNCTION facts_search_sync();
-- postgres:end
