-- Extended attributes, ACLs, file capabilities, SELinux context and a directory's entry count
-- (issue 18): one column per new row of the attribute table in src/checksums/attributes.ts.
-- NULL means "not read": entries of baselines made before this migration have NULL here and
-- their signed form leaves trailing NULLs out (canonicalValues), so they still verify.
ALTER TABLE baseline_entries ADD COLUMN xattrs TEXT;       -- JSON: xattr name -> SHA-256 of its value
ALTER TABLE baseline_entries ADD COLUMN acl TEXT;          -- POSIX access ACL, numeric ids
ALTER TABLE baseline_entries ADD COLUMN default_acl TEXT;  -- directories
ALTER TABLE baseline_entries ADD COLUMN caps TEXT;         -- getcap notation
ALTER TABLE baseline_entries ADD COLUMN selinux TEXT;
ALTER TABLE baseline_entries ADD COLUMN entries INTEGER;   -- directories: names in the listing
