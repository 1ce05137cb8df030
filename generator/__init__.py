"""factsheets: curated diplomacy facts -> cross-linked static site."""
