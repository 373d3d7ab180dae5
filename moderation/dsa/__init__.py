"""The EU Digital Services Act for a comment section: roles and duties, the mapping to the
Transparency Database's vocabulary, statements of reasons, the notice weight, the
transparency report's figures and the submission client.  Pure domain logic: no Flask,
no database (storage imports this package, not the other way round)."""
