"""Import every capability's models so that SQLAlchemy and Alembic see all tables."""
from .places.models import Deputy, HandlingUnit, Membership, Region, Station  # noqa: F401
from .users.models import Invitation, StaffRole, User  # noqa: F401
from .codes.models import Code, CodeScan, CodeScanFlush, PosterBatch  # noqa: F401
from .opinions.models import (  # noqa: F401
    Assignment, Block, IdempotencyRecord, Opinion, OpinionEvent, OpinionIntake, OpinionPhoto, Suggestion,
    Upload)
from .notifications.models import Consent, Message, Notification  # noqa: F401
from .reception.models import Appointment, CheckIn, ReceptionDay, ReceptionRecord, RotaEntry  # noqa: F401
from .stats.models import DeputyMonth, InvisibleDeputy, RegionMonth, RegionTotal, StationMonth, StatsDirty, StatsRefresh  # noqa: F401
from .audit.models import AuditEntry  # noqa: F401
from .insight.models import Topic, TopicRun  # noqa: F401
from .insight.routing_models import RoutingChoice, RoutingModel  # noqa: F401
from .consultations.models import Consultation, ConsultationArticle, ConsultationComment  # noqa: F401
from .stats import marks  # noqa: F401,E402  (every change that counts marks its summary rows)
