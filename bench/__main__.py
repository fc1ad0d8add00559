"""`python -m bench` (make bench): every benchmark, one after another."""

from bench import audit, geo, invoicing, matching

if __name__ == "__main__":
    geo.main()
    matching.main()
    invoicing.main()
    audit.main()
