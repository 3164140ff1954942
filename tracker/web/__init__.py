"""The site firms and visitors use: views per page family, their forms, the URLs."""
