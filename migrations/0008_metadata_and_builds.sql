-- Bibliographic metadata of a document (authors, year, venue, DOI …) as
-- the JSON of biblio.Ref; title and bibkey stay columns of their own, the
-- display title and the citation key, which are listed and looked up.
ALTER TABLE documents ADD COLUMN meta TEXT NOT NULL DEFAULT '{}';

-- A citation key names one document of an owner: exports cite by it.
CREATE UNIQUE INDEX documents_owner_bibkey ON documents (owner_id, bibkey) WHERE bibkey IS NOT NULL;

-- opus build finds the paragraph already written from a manuscript's spec.
CREATE INDEX paragraphs_owner_spec_hash ON paragraphs (owner_id, spec_hash);
