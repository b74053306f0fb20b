-- Where a document's text came from: 'text' (a visible text layer) or 'ocr'
-- (only invisible text, as OCR tools lay it under a scan). NULL for rows
-- stored before this column existed.
ALTER TABLE documents ADD COLUMN text_layer TEXT;

-- Why a sentence is not supported, as a category that is safe to show
-- without --diagnostics (no_link, not_allowed, retracted, not_entailed, or a
-- guard's name). The free-text reason may quote model output and is shown
-- only with --diagnostics.
ALTER TABLE sentences ADD COLUMN reason_code TEXT;
