// WhatsApp shard: keeps its auth state in /app/auth (its own named volume per shard).
const shard = process.env.SHARD_ID || "1";
console.log(`baileys shard ${shard} starting`);
