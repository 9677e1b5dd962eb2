"""One module per problem family (or per small group of closely related families)."""
