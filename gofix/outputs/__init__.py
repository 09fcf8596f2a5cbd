"""How results are presented to the tools around gofix: paths as the repository names
them (paths.py), links to the rules' documentation (links.py), and the review formats
reviewdog (rdjson.py) and GitLab code quality (codeclimate.py) read. SARIF and GitHub
workflow commands are in gofix.ci_formats."""
