export enum Status {
  Pending = "pending",
  Paid = "paid",
  Shipped = "shipped",
}
