// Not an entity: the glob leaves it out.
export const currency = "EUR";
